/**
 * Runs Tandem plans on PostgreSQL: {@link dev.tandem.postgres.PostgresMigrator} with its
 * {@link dev.tandem.postgres.PostgresOptions}, and the values it reports (status, verification, explanation).
 */
@NullMarked
@CheckReturnValue
package dev.tandem.postgres;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
