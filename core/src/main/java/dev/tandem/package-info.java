/**
 * Tandem's entry points: {@link dev.tandem.MigrationPlan} and its builder, and the exceptions every module throws.
 *
 * <p>A plan is an immutable value. Build one with {@link dev.tandem.MigrationPlan#named(String)}, then hand it to
 * an executor (see {@code dev.tandem.postgres.PostgresMigrator}).
 */
@NullMarked
@CheckReturnValue
package dev.tandem;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
