/**
 * Tandem's test kit for JUnit 5: a real PostgreSQL per test class, the compatibility harness that proves the old and
 * the new version of an application each work at every intermediate schema of a migration plan where Tandem says it
 * may run, and read what the other wrote, a lock recorder that reads from PostgreSQL which locks each step really
 * takes, and AssertJ assertions for schema states.
 *
 * <p>Start with {@link dev.tandem.testkit.TandemTest} on a test class and take a {@link
 * dev.tandem.testkit.CompatibilityHarness} as a test method parameter:
 *
 * <pre>{@code
 * @TandemTest
 * class CustomersAddressCompatibilityIT {
 *     @Test
 *     void bothVersionsWorkAtEveryState(CompatibilityHarness harness) {
 *         harness.check(plan).schema(createCustomers).oldVersion(v1).newVersion(v2).assertCompatible();
 *     }
 * }
 * }</pre>
 */
@NullMarked
@CheckReturnValue
package dev.tandem.testkit;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
