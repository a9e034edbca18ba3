package dev.tandem.postgres.internal.change;

import dev.tandem.plan.AddColumn;
import dev.tandem.plan.AddConstraint;
import dev.tandem.plan.CopyColumn;
import dev.tandem.plan.CopyIndexes;
import dev.tandem.plan.CreateIndex;
import dev.tandem.plan.CreateTable;
import dev.tandem.plan.DropColumn;
import dev.tandem.plan.DropConstraint;
import dev.tandem.plan.DropIndex;
import dev.tandem.plan.DropNotNull;
import dev.tandem.plan.DropTable;
import dev.tandem.plan.DropView;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.MergeColumns;
import dev.tandem.plan.MoveColumns;
import dev.tandem.plan.Phase;
import dev.tandem.plan.PrepareSwap;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.RenameColumn;
import dev.tandem.plan.RenameConstraint;
import dev.tandem.plan.RenameTable;
import dev.tandem.plan.SchemaChange;
import dev.tandem.plan.SetDefault;
import dev.tandem.plan.SetNotNull;
import dev.tandem.plan.SetReplicaIdentity;
import dev.tandem.plan.StepId;
import dev.tandem.plan.SwapColumn;
import dev.tandem.plan.TableName;
import dev.tandem.plan.ValidateConstraint;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/** Dispatches a schema change to its renderer, exhaustively over the sealed hierarchy. */
public final class Changes {
    private Changes() {}

    private static final AddColumnChange ADD_COLUMN = new AddColumnChange();
    private static final DropColumnChange DROP_COLUMN = new DropColumnChange();
    private static final CreateIndexChange CREATE_INDEX = new CreateIndexChange();
    private static final DropIndexChange DROP_INDEX = new DropIndexChange();
    private static final AddConstraintChange ADD_CONSTRAINT = new AddConstraintChange();
    private static final ValidateConstraintChange VALIDATE_CONSTRAINT = new ValidateConstraintChange();
    private static final SetNotNullChange SET_NOT_NULL = new SetNotNullChange();
    private static final DropConstraintChange DROP_CONSTRAINT = new DropConstraintChange();
    private static final CreateTableChange CREATE_TABLE = new CreateTableChange();
    private static final DropTableChange DROP_TABLE = new DropTableChange();
    private static final RenameTableChange RENAME_TABLE = new RenameTableChange();
    private static final DropViewChange DROP_VIEW = new DropViewChange();
    private static final PrepareSwapChange PREPARE_SWAP = new PrepareSwapChange();
    private static final SwapColumnChange SWAP_COLUMN = new SwapColumnChange();
    private static final DropNotNullChange DROP_NOT_NULL = new DropNotNullChange();
    private static final RenameConstraintChange RENAME_CONSTRAINT = new RenameConstraintChange();
    private static final CopyColumnChange COPY_COLUMN = new CopyColumnChange();
    private static final CopyIndexesChange COPY_INDEXES = new CopyIndexesChange();
    private static final RenameColumnChange RENAME_COLUMN = new RenameColumnChange();
    private static final SetDefaultChange SET_DEFAULT = new SetDefaultChange();
    private static final SetReplicaIdentityChange SET_REPLICA_IDENTITY = new SetReplicaIdentityChange();
    private static final MoveColumnsChange MOVE_COLUMNS = new MoveColumnsChange();
    private static final MergeColumnsChange MERGE_COLUMNS = new MergeColumnsChange();
    private static final RawSqlChange RAW = new RawSqlChange();

    /** Applies one renderer method to whichever kind of change it is given. */
    private interface Call {
        <C extends SchemaChange> List<SqlUnit> on(ChangeRenderer<C> renderer, C change);
    }

    private static List<SqlUnit> dispatch(SchemaChange change, Call call) {
        return change.accept(new SchemaChange.Visitor<List<SqlUnit>>() {
            @Override
            public List<SqlUnit> visitAddColumn(AddColumn c) {
                return call.on(ADD_COLUMN, c);
            }

            @Override
            public List<SqlUnit> visitDropColumn(DropColumn c) {
                return call.on(DROP_COLUMN, c);
            }

            @Override
            public List<SqlUnit> visitCreateIndex(CreateIndex c) {
                return call.on(CREATE_INDEX, c);
            }

            @Override
            public List<SqlUnit> visitDropIndex(DropIndex c) {
                return call.on(DROP_INDEX, c);
            }

            @Override
            public List<SqlUnit> visitAddConstraint(AddConstraint c) {
                return call.on(ADD_CONSTRAINT, c);
            }

            @Override
            public List<SqlUnit> visitValidateConstraint(ValidateConstraint c) {
                return call.on(VALIDATE_CONSTRAINT, c);
            }

            @Override
            public List<SqlUnit> visitSetNotNull(SetNotNull c) {
                return call.on(SET_NOT_NULL, c);
            }

            @Override
            public List<SqlUnit> visitDropConstraint(DropConstraint c) {
                return call.on(DROP_CONSTRAINT, c);
            }

            @Override
            public List<SqlUnit> visitCreateTable(CreateTable c) {
                return call.on(CREATE_TABLE, c);
            }

            @Override
            public List<SqlUnit> visitDropTable(DropTable c) {
                return call.on(DROP_TABLE, c);
            }

            @Override
            public List<SqlUnit> visitRenameTable(RenameTable c) {
                return call.on(RENAME_TABLE, c);
            }

            @Override
            public List<SqlUnit> visitDropView(DropView c) {
                return call.on(DROP_VIEW, c);
            }

            @Override
            public List<SqlUnit> visitPrepareSwap(PrepareSwap c) {
                return call.on(PREPARE_SWAP, c);
            }

            @Override
            public List<SqlUnit> visitSwapColumn(SwapColumn c) {
                return call.on(SWAP_COLUMN, c);
            }

            @Override
            public List<SqlUnit> visitDropNotNull(DropNotNull c) {
                return call.on(DROP_NOT_NULL, c);
            }

            @Override
            public List<SqlUnit> visitRenameConstraint(RenameConstraint c) {
                return call.on(RENAME_CONSTRAINT, c);
            }

            @Override
            public List<SqlUnit> visitCopyColumn(CopyColumn c) {
                return call.on(COPY_COLUMN, c);
            }

            @Override
            public List<SqlUnit> visitCopyIndexes(CopyIndexes c) {
                return call.on(COPY_INDEXES, c);
            }

            @Override
            public List<SqlUnit> visitRenameColumn(RenameColumn c) {
                return call.on(RENAME_COLUMN, c);
            }

            @Override
            public List<SqlUnit> visitSetDefault(SetDefault c) {
                return call.on(SET_DEFAULT, c);
            }

            @Override
            public List<SqlUnit> visitSetReplicaIdentity(SetReplicaIdentity c) {
                return call.on(SET_REPLICA_IDENTITY, c);
            }

            @Override
            public List<SqlUnit> visitMoveColumns(MoveColumns c) {
                return call.on(MOVE_COLUMNS, c);
            }

            @Override
            public List<SqlUnit> visitMergeColumns(MergeColumns c) {
                return call.on(MERGE_COLUMNS, c);
            }

            @Override
            public List<SqlUnit> visitRaw(RawChange c) {
                return call.on(RAW, c);
            }
        });
    }

    /**
     * {@return the units that make {@code change} in {@code phase}}
     *
     * @param ctx the plan's context
     * @param phase the step's phase
     * @param id the step
     * @param change the change
     */
    public static List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, SchemaChange change) {
        return dispatch(change, new Call() {
            @Override
            public <C extends SchemaChange> List<SqlUnit> on(ChangeRenderer<C> renderer, C c) {
                return renderer.forward(ctx, phase, id, c);
            }
        });
    }

    /**
     * {@return the rollback units that undo {@code change}, each running only if the step ran}
     *
     * @param ctx the plan's context
     * @param id the step
     * @param change the change
     */
    public static List<SqlUnit> undo(ChangeContext ctx, StepId id, SchemaChange change) {
        return dispatch(change, new Call() {
            @Override
            public <C extends SchemaChange> List<SqlUnit> on(ChangeRenderer<C> renderer, C c) {
                return renderer.undo(ctx, id, c);
            }
        });
    }

    /**
     * {@return the {@code CREATE TABLE} statement of a new table, without its foreign keys; for checks}
     *
     * @param t the qualified table
     * @param c the change
     */
    public static String createTable(TableName t, CreateTable c) {
        return CreateTableChange.createStatement(t, c);
    }

    /**
     * The parts of a type change's swap, for the table's contract unit: units before it, locks to take first,
     * statements after the sync trigger's drop, units after it.
     *
     * @param before units before the table's unit
     * @param locks lock statements, right after the table's lock
     * @param statements the swap's statements
     * @param after units after the table's unit
     */
    public record SwapParts(
            List<SqlUnit> before,
            List<RenderedStatement> locks,
            List<RenderedStatement> statements,
            List<SqlUnit> after) {}

    /**
     * {@return the parts of a type change's swap}
     *
     * @param ctx the context, with the table's facts
     * @param swap the swap
     */
    public static SwapParts swap(ChangeContext ctx, SwapColumn swap) {
        return new SwapParts(
                SwapColumnChange.before(ctx, swap),
                SwapColumnChange.locks(ctx, swap),
                SwapColumnChange.swap(ctx, swap),
                SwapColumnChange.after(ctx, swap));
    }

    /**
     * {@return the statement that drops a column in contract}
     *
     * @param t the qualified table
     * @param column the column
     */
    public static RenderedStatement dropColumn(TableName t, Identifier column) {
        return DropColumnChange.statement(t, column);
    }

    /**
     * {@return the rollback units that make a column NOT NULL again without a long lock, each running only if
     * {@code required} ran}
     *
     * @param t the qualified table
     * @param column the column
     * @param check the temporary check's name
     * @param markerPrefix the prefix of the units' markers
     * @param required the step whose marker says the NOT NULL was dropped
     */
    public static List<SqlUnit> restoreNotNull(
            TableName t, Identifier column, Identifier check, String markerPrefix, StepId required) {
        return DropNotNullChange.restore(t, column, check, markerPrefix, required);
    }

    /**
     * {@return a {@code DO} block that adds a column's {@code CHECK (... IS NOT NULL) NOT VALID} unless it exists}
     *
     * @param t the qualified table
     * @param column the column
     * @param check the check's name
     */
    public static String addNotNullCheckIfMissing(TableName t, Identifier column, Identifier check) {
        return Units.addNotNullCheckIfMissing(t, column, check);
    }

    /**
     * {@return the statements that finish a column rename in contract: the copy dropped, the column renamed}
     *
     * @param t the qualified table
     * @param rename the rename
     */
    public static List<RenderedStatement> renameColumn(TableName t, RenameColumn rename) {
        return RenameColumnChange.statements(t, rename);
    }

    /**
     * {@return the contract statements that stop a move's sync, for the source table's drop unit}
     *
     * @param ctx the plan's context
     * @param move the move
     */
    public static List<RenderedStatement> finishMove(ChangeContext ctx, MoveColumns move) {
        return MoveColumnsChange.finish(ctx, move);
    }

    /**
     * {@return the contract statements that stop a merge's sync, for the drop unit of the table the columns leave}
     *
     * @param ctx the plan's context
     * @param merge the merge
     */
    public static List<RenderedStatement> finishMerge(ChangeContext ctx, MergeColumns merge) {
        return MergeColumnsChange.finish(ctx, merge);
    }
}
