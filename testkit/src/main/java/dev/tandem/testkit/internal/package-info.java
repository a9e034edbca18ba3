/** The test kit's internals: not API, may change in any release. */
@NullMarked
@CheckReturnValue
package dev.tandem.testkit.internal;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
