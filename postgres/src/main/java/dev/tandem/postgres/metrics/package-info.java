/**
 * Micrometer meters for Tandem's executor: {@link dev.tandem.postgres.metrics.TandemMetrics}. Needs
 * {@code io.micrometer:micrometer-core} on the class path; the rest of this module does not.
 */
@NullMarked
@CheckReturnValue
package dev.tandem.postgres.metrics;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
