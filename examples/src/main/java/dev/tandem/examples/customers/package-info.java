/**
 * The tutorial's story, done with Tandem: {@code customers.address} is split into {@code street_address},
 * {@code city}, {@code state} and {@code zip_code} while version 1 of the application (which knows only
 * {@code address}) and version 2 (which knows only the four new columns) both keep running.
 *
 * <ul>
 *   <li>{@link dev.tandem.examples.customers.CustomersSchema}: version 1's schema and seed data, malformed
 *       addresses included;
 *   <li>{@link dev.tandem.examples.customers.AppV1} and {@link dev.tandem.examples.customers.AppV2}: the two
 *       application versions, written with jOOQ, neither with dual-write code;
 *   <li>{@link dev.tandem.examples.customers.AddressSplitPlan}: the migration plan that connects them;
 *   <li>{@link dev.tandem.examples.customers.Demo}: the whole story on embedded PostgreSQL with both versions
 *       writing;
 *   <li>{@link dev.tandem.examples.customers.BackfillBenchmark}: Tandem's backfill side by side with one big {@code
 *       UPDATE}, a key-range loop and pgroll's template, alone and under an application load.
 * </ul>
 */
@NullMarked
package dev.tandem.examples.customers;

import org.jspecify.annotations.NullMarked;
