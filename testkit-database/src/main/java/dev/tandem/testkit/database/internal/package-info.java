/**
 * Internals of the database test kit: source selection, binary resolution and the server back ends. Not API: anything
 * here may change in any release.
 */
@NullMarked
@CheckReturnValue
package dev.tandem.testkit.database.internal;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
