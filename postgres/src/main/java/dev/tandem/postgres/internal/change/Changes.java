package dev.tandem.postgres.internal.change;

import dev.tandem.plan.AddColumn;
import dev.tandem.plan.AddConstraint;
import dev.tandem.plan.CreateIndex;
import dev.tandem.plan.DropColumn;
import dev.tandem.plan.DropConstraint;
import dev.tandem.plan.DropIndex;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.SchemaChange;
import dev.tandem.plan.SetNotNull;
import dev.tandem.plan.StepId;
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
     * {@return the statement that drops a column in contract}
     *
     * @param t the qualified table
     * @param column the column
     */
    public static RenderedStatement dropColumn(TableName t, Identifier column) {
        return DropColumnChange.statement(t, column);
    }
}
