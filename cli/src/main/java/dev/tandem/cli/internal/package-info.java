/** The CLI's commands and helpers; not API. */
@NullMarked
@CheckReturnValue
package dev.tandem.cli.internal;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
