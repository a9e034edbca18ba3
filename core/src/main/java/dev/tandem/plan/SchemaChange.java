package dev.tandem.plan;

import java.util.Optional;

/**
 * A DDL change carried by an {@link Expand} or {@link Contract} step. Implementations are immutable records.
 *
 * <p>Java 17 has no exhaustive switch over sealed types; use {@link #accept} so that a new kind of change breaks every
 * visitor at compile time.
 */
public sealed interface SchemaChange
        permits AddColumn,
                DropColumn,
                CreateIndex,
                DropIndex,
                AddConstraint,
                ValidateConstraint,
                SetNotNull,
                DropConstraint,
                CreateTable,
                DropTable,
                RenameTable,
                DropView,
                PrepareSwap,
                SwapColumn,
                DropNotNull,
                RenameConstraint,
                CopyColumn,
                CopyIndexes,
                RenameColumn,
                SetDefault,
                SetReplicaIdentity,
                MoveColumns,
                MergeColumns,
                RawChange {

    /** {@return the table the change works on (a renamed table by its old name, a dropped view by its name); empty for raw SQL} */
    default Optional<TableName> subject() {
        return accept(new Visitor<Optional<TableName>>() {
            @Override
            public Optional<TableName> visitAddColumn(AddColumn c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitDropColumn(DropColumn c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitCreateIndex(CreateIndex c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitDropIndex(DropIndex c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitAddConstraint(AddConstraint c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitValidateConstraint(ValidateConstraint c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitSetNotNull(SetNotNull c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitDropConstraint(DropConstraint c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitCreateTable(CreateTable c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitDropTable(DropTable c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitRenameTable(RenameTable c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitDropView(DropView c) {
                return Optional.of(c.view());
            }

            @Override
            public Optional<TableName> visitPrepareSwap(PrepareSwap c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitCopyColumn(CopyColumn c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitCopyIndexes(CopyIndexes c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitRenameColumn(RenameColumn c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitSetDefault(SetDefault c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitSetReplicaIdentity(SetReplicaIdentity c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitMoveColumns(MoveColumns c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitMergeColumns(MergeColumns c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitSwapColumn(SwapColumn c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitDropNotNull(DropNotNull c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitRenameConstraint(RenameConstraint c) {
                return Optional.of(c.table());
            }

            @Override
            public Optional<TableName> visitRaw(RawChange c) {
                return Optional.empty();
            }
        });
    }

    /** {@return whether the change may run inside a transaction (a concurrent index build may not)} */
    default boolean transactional() {
        return accept(new Visitor<Boolean>() {
            @Override
            public Boolean visitAddColumn(AddColumn change) {
                return true;
            }

            @Override
            public Boolean visitDropColumn(DropColumn change) {
                return true;
            }

            @Override
            public Boolean visitCreateIndex(CreateIndex change) {
                return false;
            }

            @Override
            public Boolean visitDropIndex(DropIndex change) {
                return false;
            }

            @Override
            public Boolean visitAddConstraint(AddConstraint change) {
                return true;
            }

            @Override
            public Boolean visitValidateConstraint(ValidateConstraint change) {
                return true;
            }

            @Override
            public Boolean visitSetNotNull(SetNotNull change) {
                return true;
            }

            @Override
            public Boolean visitDropConstraint(DropConstraint change) {
                return true;
            }

            @Override
            public Boolean visitCreateTable(CreateTable change) {
                return true;
            }

            @Override
            public Boolean visitDropTable(DropTable change) {
                return true;
            }

            @Override
            public Boolean visitRenameTable(RenameTable change) {
                return true;
            }

            @Override
            public Boolean visitDropView(DropView change) {
                return true;
            }

            @Override
            public Boolean visitPrepareSwap(PrepareSwap change) {
                return false; // builds indexes concurrently
            }

            @Override
            public Boolean visitSwapColumn(SwapColumn change) {
                return true;
            }

            @Override
            public Boolean visitDropNotNull(DropNotNull change) {
                return true;
            }

            @Override
            public Boolean visitRenameConstraint(RenameConstraint change) {
                return true;
            }

            @Override
            public Boolean visitCopyColumn(CopyColumn change) {
                return true;
            }

            @Override
            public Boolean visitCopyIndexes(CopyIndexes change) {
                return false; // builds indexes concurrently
            }

            @Override
            public Boolean visitRenameColumn(RenameColumn change) {
                return true;
            }

            @Override
            public Boolean visitSetDefault(SetDefault change) {
                return true;
            }

            @Override
            public Boolean visitSetReplicaIdentity(SetReplicaIdentity change) {
                return true;
            }

            @Override
            public Boolean visitMoveColumns(MoveColumns change) {
                return true;
            }

            @Override
            public Boolean visitMergeColumns(MergeColumns change) {
                return true;
            }

            @Override
            public Boolean visitRaw(RawChange change) {
                return change.transactional();
            }
        });
    }

    /**
     * {@return the result of the visitor's method for this kind of change}
     *
     * @param visitor the visitor
     * @param <R> the result type
     */
    <R> R accept(Visitor<R> visitor);

    /**
     * A function over the kinds of schema change.
     *
     * @param <R> the result type
     */
    interface Visitor<R> {
        /**
         * {@return the result for an added column}
         *
         * @param change the change
         */
        R visitAddColumn(AddColumn change);

        /**
         * {@return the result for a dropped column}
         *
         * @param change the change
         */
        R visitDropColumn(DropColumn change);

        /**
         * {@return the result for a concurrently built index}
         *
         * @param change the change
         */
        R visitCreateIndex(CreateIndex change);

        /**
         * {@return the result for a dropped index}
         *
         * @param change the change
         */
        R visitDropIndex(DropIndex change);

        /**
         * {@return the result for an added constraint}
         *
         * @param change the change
         */
        R visitAddConstraint(AddConstraint change);

        /**
         * {@return the result for a validated constraint}
         *
         * @param change the change
         */
        R visitValidateConstraint(ValidateConstraint change);

        /**
         * {@return the result for a column set NOT NULL}
         *
         * @param change the change
         */
        R visitSetNotNull(SetNotNull change);

        /**
         * {@return the result for a dropped constraint}
         *
         * @param change the change
         */
        R visitDropConstraint(DropConstraint change);

        /**
         * {@return the result for a created table}
         *
         * @param change the change
         */
        R visitCreateTable(CreateTable change);

        /**
         * {@return the result for a dropped table}
         *
         * @param change the change
         */
        R visitDropTable(DropTable change);

        /**
         * {@return the result for a renamed table}
         *
         * @param change the change
         */
        R visitRenameTable(RenameTable change);

        /**
         * {@return the result for a dropped compatibility view}
         *
         * @param change the change
         */
        R visitDropView(DropView change);

        /**
         * {@return the result for the preparation of a type change's swap}
         *
         * @param change the change
         */
        R visitPrepareSwap(PrepareSwap change);

        /**
         * {@return the result for a type change's swap}
         *
         * @param change the change
         */
        R visitSwapColumn(SwapColumn change);

        /**
         * {@return the result for a dropped NOT NULL}
         *
         * @param change the change
         */
        R visitDropNotNull(DropNotNull change);

        /**
         * {@return the result for a renamed constraint}
         *
         * @param change the change
         */
        R visitRenameConstraint(RenameConstraint change);

        /**
         * {@return the result for a column's copy, added for a rename}
         *
         * @param change the change
         */
        R visitCopyColumn(CopyColumn change);

        /**
         * {@return the result for a copy column's indexes}
         *
         * @param change the change
         */
        R visitCopyIndexes(CopyIndexes change);

        /**
         * {@return the result for a column rename, finished at contract}
         *
         * @param change the change
         */
        R visitRenameColumn(RenameColumn change);

        /**
         * {@return the result for a default set or dropped}
         *
         * @param change the change
         */
        R visitSetDefault(SetDefault change);

        /**
         * {@return the result for a replica identity set}
         *
         * @param change the change
         */
        R visitSetReplicaIdentity(SetReplicaIdentity change);

        /**
         * {@return the result for columns moved into a new table}
         *
         * @param change the change
         */
        R visitMoveColumns(MoveColumns change);

        /**
         * {@return the result for columns merged back into another table}
         *
         * @param change the change
         */
        R visitMergeColumns(MergeColumns change);

        /**
         * {@return the result for a raw-SQL change}
         *
         * @param change the change
         */
        R visitRaw(RawChange change);
    }
}
