/**
 * The customers/address story as two Spring Boot applications, {@link dev.tandem.examples.boot.ShopV1Application} and
 * {@link dev.tandem.examples.boot.ShopV2Application}: the starter runs the plan's expand and backfill when version 2
 * starts, and the CLI contracts once version 1 is gone.
 */
@NullMarked
@CheckReturnValue
package dev.tandem.examples.boot;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
