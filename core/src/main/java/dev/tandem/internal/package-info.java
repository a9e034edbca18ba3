/** Tandem's internals: validation, checksums and preconditions. Not API; may change in any release. */
@NullMarked
package dev.tandem.internal;

import org.jspecify.annotations.NullMarked;
