/** The renderer, the executor's JDBC work, state, locks and batches. Not API; may change in any release. */
@NullMarked
package dev.tandem.postgres.internal;

import org.jspecify.annotations.NullMarked;
