/**
 * The plan model: typed identifiers, explicit raw-SQL types, and the four step kinds ({@link dev.tandem.plan.Expand},
 * {@link dev.tandem.plan.DualWrite}, {@link dev.tandem.plan.Backfill}, {@link dev.tandem.plan.Contract}) that
 * operations compile to. Every type here is an immutable, thread-safe value.
 */
@NullMarked
@CheckReturnValue
package dev.tandem.plan;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
