package dev.tandem;

import dev.tandem.plan.ColumnType;
import dev.tandem.plan.ConstraintDefinition;
import dev.tandem.plan.Enforcement;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
import dev.tandem.plan.ReplicaIdentity;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An operation of a plan as the user wrote it, one record per {@link PlanBuilder} method: what the user means, before
 * it is compiled into the steps of each phase ({@link MigrationPlan#steps()}). {@link MigrationPlan#operations()}
 * lists a plan's operations in the order they were added.
 *
 * <p>Java 17 has no exhaustive switch over sealed types; use {@link #accept} so that a new kind of operation breaks
 * every visitor at compile time.
 */
public sealed interface Operation
        permits Operation.AddColumn,
                Operation.DeriveColumns,
                Operation.DropColumn,
                Operation.RawSql,
                Operation.CreateIndex,
                Operation.DropIndex,
                Operation.AddConstraint,
                Operation.SetNotNull,
                Operation.DropConstraint,
                Operation.CreateTable,
                Operation.DropTable,
                Operation.RenameTable,
                Operation.ChangeType,
                Operation.RenameColumn,
                Operation.MoveColumns,
                Operation.MergeColumns,
                Operation.SetDefault,
                Operation.SetReplicaIdentity,
                Operation.DropNotNull,
                Operation.RenameConstraint {

    /**
     * {@return the result of the visitor's method for this kind of operation}
     *
     * @param visitor the visitor
     * @param <R> the result type
     */
    <R> R accept(Visitor<R> visitor);

    /**
     * A function over the kinds of operation.
     *
     * @param <R> the result type
     */
    interface Visitor<R> {
        /**
         * {@return the result for a AddColumn}
         *
         * @param op the operation
         */
        R visitAddColumn(AddColumn op);

        /**
         * {@return the result for a DeriveColumns}
         *
         * @param op the operation
         */
        R visitDeriveColumns(DeriveColumns op);

        /**
         * {@return the result for a DropColumn}
         *
         * @param op the operation
         */
        R visitDropColumn(DropColumn op);

        /**
         * {@return the result for a RawSql}
         *
         * @param op the operation
         */
        R visitRawSql(RawSql op);

        /**
         * {@return the result for a CreateIndex}
         *
         * @param op the operation
         */
        R visitCreateIndex(CreateIndex op);

        /**
         * {@return the result for a DropIndex}
         *
         * @param op the operation
         */
        R visitDropIndex(DropIndex op);

        /**
         * {@return the result for a AddConstraint}
         *
         * @param op the operation
         */
        R visitAddConstraint(AddConstraint op);

        /**
         * {@return the result for a SetNotNull}
         *
         * @param op the operation
         */
        R visitSetNotNull(SetNotNull op);

        /**
         * {@return the result for a DropConstraint}
         *
         * @param op the operation
         */
        R visitDropConstraint(DropConstraint op);

        /**
         * {@return the result for a CreateTable}
         *
         * @param op the operation
         */
        R visitCreateTable(CreateTable op);

        /**
         * {@return the result for a DropTable}
         *
         * @param op the operation
         */
        R visitDropTable(DropTable op);

        /**
         * {@return the result for a RenameTable}
         *
         * @param op the operation
         */
        R visitRenameTable(RenameTable op);

        /**
         * {@return the result for a ChangeType}
         *
         * @param op the operation
         */
        R visitChangeType(ChangeType op);

        /**
         * {@return the result for a RenameColumn}
         *
         * @param op the operation
         */
        R visitRenameColumn(RenameColumn op);

        /**
         * {@return the result for a MoveColumns}
         *
         * @param op the operation
         */
        R visitMoveColumns(MoveColumns op);

        /**
         * {@return the result for a MergeColumns}
         *
         * @param op the operation
         */
        R visitMergeColumns(MergeColumns op);

        /**
         * {@return the result for a SetDefault}
         *
         * @param op the operation
         */
        R visitSetDefault(SetDefault op);

        /**
         * {@return the result for a SetReplicaIdentity}
         *
         * @param op the operation
         */
        R visitSetReplicaIdentity(SetReplicaIdentity op);

        /**
         * {@return the result for a DropNotNull}
         *
         * @param op the operation
         */
        R visitDropNotNull(DropNotNull op);

        /**
         * {@return the result for a RenameConstraint}
         *
         * @param op the operation
         */
        R visitRenameConstraint(RenameConstraint op);
    }

    /**
     * What {@code addColumn} was given.
     *
     * @param table as given to the builder
     * @param column as given to the builder
     * @param type as given to the builder
     * @param defaultValue as given to the builder
     * @param notNull as given to the builder
     * @param fill as given to the builder
     * @param fillFrom as given to the builder
     */
    record AddColumn(
            TableName table,
            Identifier column,
            ColumnType type,
            @Nullable SqlExpression defaultValue,
            boolean notNull,
            @Nullable SqlExpression fill,
            List<Identifier> fillFrom)
            implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitAddColumn(this);
        }
    }

    /**
     * What {@code deriveColumns} was given.
     *
     * @param spec as given to the builder
     * @param copiesColumn as given to the builder
     */
    record DeriveColumns(dev.tandem.DeriveColumns spec, boolean copiesColumn) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitDeriveColumns(this);
        }
    }

    /**
     * What {@code dropColumn} was given.
     *
     * @param table as given to the builder
     * @param column as given to the builder
     */
    record DropColumn(TableName table, Identifier column) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitDropColumn(this);
        }
    }

    /**
     * What {@code rawSql} was given.
     *
     * @param phase as given to the builder
     * @param statements as given to the builder
     * @param undo as given to the builder
     * @param unsafeReason as given to the builder
     */
    record RawSql(Phase phase, List<SqlStatement> statements, List<SqlStatement> undo, String unsafeReason)
            implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRawSql(this);
        }
    }

    /**
     * What {@code createIndex} was given.
     *
     * @param index as given to the builder
     */
    record CreateIndex(Index index) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitCreateIndex(this);
        }
    }

    /**
     * What {@code dropIndex} was given.
     *
     * @param table as given to the builder
     * @param index as given to the builder
     */
    record DropIndex(TableName table, Identifier index) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitDropIndex(this);
        }
    }

    /**
     * What {@code addCheck, addForeignKey, addUnique, addPrimaryKey} was given.
     *
     * @param table as given to the builder
     * @param constraint as given to the builder
     * @param definition as given to the builder
     * @param enforcement as given to the builder
     */
    record AddConstraint(
            TableName table, Identifier constraint, ConstraintDefinition definition, Enforcement enforcement)
            implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitAddConstraint(this);
        }
    }

    /**
     * What {@code setNotNull} was given.
     *
     * @param table as given to the builder
     * @param column as given to the builder
     * @param enforcement as given to the builder
     */
    record SetNotNull(TableName table, Identifier column, Enforcement enforcement) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitSetNotNull(this);
        }
    }

    /**
     * What {@code dropConstraint} was given.
     *
     * @param table as given to the builder
     * @param constraint as given to the builder
     */
    record DropConstraint(TableName table, Identifier constraint) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitDropConstraint(this);
        }
    }

    /**
     * What {@code createTable} was given.
     *
     * @param spec as given to the builder
     */
    record CreateTable(Table spec) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitCreateTable(this);
        }
    }

    /**
     * What {@code dropTable} was given.
     *
     * @param table as given to the builder
     */
    record DropTable(TableName table) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitDropTable(this);
        }
    }

    /**
     * What {@code renameTable} was given.
     *
     * @param table as given to the builder
     * @param newName as given to the builder
     */
    record RenameTable(TableName table, Identifier newName) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRenameTable(this);
        }
    }

    /**
     * What {@code changeType} was given.
     *
     * @param table as given to the builder
     * @param column as given to the builder
     * @param type as given to the builder
     * @param using as given to the builder
     */
    record ChangeType(TableName table, Identifier column, ColumnType type, SqlExpression using) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitChangeType(this);
        }
    }

    /**
     * What {@code renameColumn} was given.
     *
     * @param table as given to the builder
     * @param column as given to the builder
     * @param newName as given to the builder
     */
    record RenameColumn(TableName table, Identifier column, Identifier newName) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRenameColumn(this);
        }
    }

    /**
     * What {@code moveColumns} was given.
     *
     * @param table as given to the builder
     * @param columns as given to the builder
     * @param target as given to the builder
     * @param targetKey as given to the builder
     */
    record MoveColumns(TableName table, List<Identifier> columns, TableName target, Identifier targetKey)
            implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitMoveColumns(this);
        }
    }

    /**
     * What {@code mergeColumns} was given.
     *
     * @param table as given to the builder
     * @param columns as given to the builder
     * @param into as given to the builder
     */
    record MergeColumns(TableName table, List<Identifier> columns, TableName into) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitMergeColumns(this);
        }
    }

    /**
     * What {@code setDefault, dropDefault} was given.
     *
     * @param table as given to the builder
     * @param column as given to the builder
     * @param value as given to the builder
     */
    record SetDefault(
            TableName table, Identifier column, @Nullable SqlExpression value) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitSetDefault(this);
        }
    }

    /**
     * What {@code setReplicaIdentity} was given.
     *
     * @param table as given to the builder
     * @param identity as given to the builder
     */
    record SetReplicaIdentity(TableName table, ReplicaIdentity identity) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitSetReplicaIdentity(this);
        }
    }

    /**
     * What {@code dropNotNull} was given.
     *
     * @param table as given to the builder
     * @param column as given to the builder
     */
    record DropNotNull(TableName table, Identifier column) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitDropNotNull(this);
        }
    }

    /**
     * What {@code renameConstraint} was given.
     *
     * @param table as given to the builder
     * @param constraint as given to the builder
     * @param newName as given to the builder
     */
    record RenameConstraint(TableName table, Identifier constraint, Identifier newName) implements Operation {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRenameConstraint(this);
        }
    }
}
