/**
 * The PostgreSQL side of each schema change, one class per change: the units it runs forward (in its phase) and on
 * rollback, with the locks explain shows. {@link dev.tandem.postgres.internal.change.Changes} dispatches over the
 * sealed {@link dev.tandem.plan.SchemaChange} hierarchy. Not API.
 */
@NullMarked
package dev.tandem.postgres.internal.change;

import org.jspecify.annotations.NullMarked;
