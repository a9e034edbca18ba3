package dev.tandem.internal;

import dev.tandem.plan.AddColumn;
import dev.tandem.plan.AddConstraint;
import dev.tandem.plan.AfterBackfill;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.BackfillMerge;
import dev.tandem.plan.BackfillMove;
import dev.tandem.plan.ColumnMapping;
import dev.tandem.plan.ConstraintDefinition;
import dev.tandem.plan.Contract;
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
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Expand;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.MergeColumns;
import dev.tandem.plan.MoveColumns;
import dev.tandem.plan.PrepareSwap;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.RenameColumn;
import dev.tandem.plan.RenameConstraint;
import dev.tandem.plan.RenameTable;
import dev.tandem.plan.SchemaChange;
import dev.tandem.plan.SetDefault;
import dev.tandem.plan.SetNotNull;
import dev.tandem.plan.SetReplicaIdentity;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.Step;
import dev.tandem.plan.StepVisitor;
import dev.tandem.plan.SwapColumn;
import dev.tandem.plan.TableName;
import dev.tandem.plan.ValidateConstraint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The canonical text of a plan, the input of its checksum. Written out explicitly, component by component, so that the
 * checksum of an unchanged plan never depends on {@code toString()} formats. Changing this text changes every stored
 * checksum: treat it as a persisted format.
 */
public final class Canonical {
    private Canonical() {}

    /**
     * {@return the canonical text}
     *
     * @param planId the plan's id
     * @param steps its steps
     */
    public static String text(String planId, List<Step> steps) {
        StringBuilder out =
                new StringBuilder("tandem-plan v1\nid ").append(quote(planId)).append('\n');
        for (Step step : steps) {
            out.append(step.accept(STEP)).append('\n');
        }
        return out.toString();
    }

    /**
     * {@return the SHA-256 hex digest of the canonical text}
     *
     * @param planId the plan's id
     * @param steps its steps
     */
    public static String checksum(String planId, List<Step> steps) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(text(planId, steps).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static final SchemaChange.Visitor<String> CHANGE = new SchemaChange.Visitor<>() {
        @Override
        public String visitAddColumn(AddColumn c) {
            // the suffixes appear only when used, so the checksums of earlier plans stay as they were
            return "add-column " + table(c.table()) + ' ' + quote(c.column().value()) + ' '
                    + quote(c.type().sql())
                    + (c.defaultValue() == null ? "" : " default " + expression(c.defaultValue()))
                    + (c.notNull() ? " not-null" : "");
        }

        @Override
        public String visitCreateIndex(CreateIndex c) {
            return "create-index " + table(c.table()) + ' ' + quote(c.name().value()) + (c.unique() ? " unique" : "")
                    + " using " + quote(c.method()) + " keys "
                    + c.keys().stream().map(k -> quote(k.sql())).collect(Collectors.joining(",", "(", ")"))
                    + " include " + columns(c.include()) + " where " + expression(c.where());
        }

        @Override
        public String visitDropIndex(DropIndex c) {
            return "drop-index " + table(c.table()) + ' ' + quote(c.name().value());
        }

        @Override
        public String visitAddConstraint(AddConstraint c) {
            return "add-constraint " + table(c.table()) + ' ' + quote(c.name().value()) + ' '
                    + c.definition().accept(CONSTRAINT);
        }

        @Override
        public String visitValidateConstraint(ValidateConstraint c) {
            return "validate-constraint " + table(c.table()) + ' '
                    + quote(c.name().value());
        }

        @Override
        public String visitSetNotNull(SetNotNull c) {
            return "set-not-null " + table(c.table()) + ' ' + quote(c.column().value()) + " check "
                    + quote(c.check().value());
        }

        @Override
        public String visitDropConstraint(DropConstraint c) {
            return "drop-constraint " + table(c.table()) + ' ' + quote(c.name().value());
        }

        @Override
        public String visitCreateTable(CreateTable c) {
            return "create-table " + table(c.table()) + " columns "
                    + c.columns().stream()
                            .map(col -> quote(col.name().value()) + ' '
                                    + quote(col.type().sql()) + " default " + expression(col.defaultValue())
                                    + (col.notNull() ? " not-null" : ""))
                            .collect(Collectors.joining(",", "(", ")"))
                    + " primary-key " + columns(c.primaryKey()) + " constraints "
                    + c.constraints().stream()
                            .map(k -> quote(k.name().value())
                                    + ' '
                                    + k.definition().accept(CONSTRAINT))
                            .collect(Collectors.joining(",", "(", ")"));
        }

        @Override
        public String visitDropTable(DropTable c) {
            return "drop-table " + table(c.table());
        }

        @Override
        public String visitRenameTable(RenameTable c) {
            return "rename-table " + table(c.table()) + " to "
                    + quote(c.newName().value());
        }

        @Override
        public String visitDropView(DropView c) {
            return "drop-view " + table(c.view());
        }

        @Override
        public String visitPrepareSwap(PrepareSwap c) {
            return "prepare-swap " + table(c.table()) + ' ' + quote(c.column().value()) + " shadow "
                    + quote(c.shadow().value());
        }

        @Override
        public String visitDropNotNull(DropNotNull c) {
            return "drop-not-null " + table(c.table()) + ' ' + quote(c.column().value());
        }

        @Override
        public String visitRenameConstraint(RenameConstraint c) {
            return "rename-constraint " + table(c.table()) + ' '
                    + quote(c.name().value()) + " to " + quote(c.newName().value());
        }

        @Override
        public String visitCopyColumn(CopyColumn c) {
            return "copy-column " + table(c.table()) + ' ' + quote(c.column().value()) + " as "
                    + quote(c.copy().value());
        }

        @Override
        public String visitCopyIndexes(CopyIndexes c) {
            return "copy-indexes " + table(c.table()) + ' ' + quote(c.column().value()) + " to "
                    + quote(c.copy().value());
        }

        @Override
        public String visitMoveColumns(MoveColumns c) {
            return "move-columns " + table(c.table()) + ' ' + columns(c.columns()) + " to " + table(c.target())
                    + " key " + quote(c.targetKey().value());
        }

        @Override
        public String visitMergeColumns(MergeColumns c) {
            return "merge-columns " + table(c.table()) + ' ' + columns(c.columns()) + " into " + table(c.into());
        }

        @Override
        public String visitRenameColumn(RenameColumn c) {
            return "rename-column " + table(c.table()) + ' ' + quote(c.column().value()) + " to "
                    + quote(c.newName().value());
        }

        @Override
        public String visitSetDefault(SetDefault c) {
            SqlExpression v = c.value();
            return (v == null ? "drop-default " : "set-default ")
                    + table(c.table())
                    + ' '
                    + quote(c.column().value())
                    + (v == null ? "" : " " + quote(v.sql()));
        }

        @Override
        public String visitSetReplicaIdentity(SetReplicaIdentity c) {
            return "replica-identity " + table(c.table()) + ' '
                    + quote(c.identity().sql());
        }

        @Override
        public String visitSwapColumn(SwapColumn c) {
            return "swap-column " + table(c.table()) + ' ' + quote(c.column().value()) + " shadow "
                    + quote(c.shadow().value());
        }

        @Override
        public String visitDropColumn(DropColumn c) {
            return "drop-column " + table(c.table()) + ' ' + quote(c.column().value());
        }

        @Override
        public String visitRaw(RawChange c) {
            if (c.statements().size() == 1 && c.undo().size() <= 1) { // the form of earlier plans
                return "raw " + statement(c.statements().get(0)) + " undo "
                        + (c.undo().isEmpty() ? "-" : statement(c.undo().get(0))) + " transactional "
                        + c.transactional();
            }
            return "raw-unit " + statements(c.statements()) + " undo " + statements(c.undo()) + " transactional "
                    + c.transactional();
        }
    };

    private static final ConstraintDefinition.Visitor<String> CONSTRAINT = new ConstraintDefinition.Visitor<>() {
        @Override
        public String visitCheck(ConstraintDefinition.Check c) {
            return "check " + quote(c.condition().sql());
        }

        @Override
        public String visitForeignKey(ConstraintDefinition.ForeignKey c) {
            return "foreign-key " + columns(c.columns()) + " references " + table(c.referencedTable()) + ' '
                    + columns(c.referencedColumns()) + " on-delete "
                    + c.onDelete().name() + " on-update "
                    + c.onUpdate().name();
        }

        @Override
        public String visitUnique(ConstraintDefinition.Unique c) {
            return "unique " + columns(c.columns());
        }

        @Override
        public String visitPrimaryKey(ConstraintDefinition.PrimaryKey c) {
            return "primary-key " + columns(c.columns()) + " checks " + columns(c.notNullChecks());
        }
    };

    private static final StepVisitor<String> STEP = new StepVisitor<>() {
        @Override
        public String visitExpand(Expand s) {
            return "expand " + quote(s.id().value()) + ' ' + s.change().accept(CHANGE);
        }

        @Override
        public String visitDualWrite(DualWrite s) {
            return "dual-write " + quote(s.id().value()) + ' ' + table(s.table()) + " old "
                    + columns(s.oldColumns()) + " forward " + mappings(s.forward()) + " backward "
                    + mappings(s.backward()) + " when " + expression(s.mappableWhen()) + " unmapped "
                    + s.unmappedPolicy().name() + (s.copiesColumn() ? " copies-column" : "")
                    + (s.notNullColumns().isEmpty() ? "" : " not-null " + columns(s.notNullColumns()));
        }

        @Override
        public String visitBackfill(Backfill s) {
            return "backfill " + quote(s.id().value()) + " rule "
                    + quote(s.rule().id().value());
        }

        @Override
        public String visitBackfillMove(BackfillMove s) {
            return "backfill-move " + quote(s.id().value()) + ' ' + s.move().accept(CHANGE);
        }

        @Override
        public String visitBackfillMerge(BackfillMerge s) {
            return "backfill-merge " + quote(s.id().value()) + ' ' + s.merge().accept(CHANGE);
        }

        @Override
        public String visitAfterBackfill(AfterBackfill s) {
            return "after-backfill " + quote(s.id().value()) + ' ' + s.change().accept(CHANGE);
        }

        @Override
        public String visitContract(Contract s) {
            return "contract " + quote(s.id().value()) + ' ' + s.change().accept(CHANGE);
        }
    };

    private static String table(TableName t) {
        return (t.schema() == null ? "-" : quote(t.schema().value()))
                + '.'
                + quote(t.name().value());
    }

    private static String columns(List<Identifier> ids) {
        return ids.stream().map(i -> quote(i.value())).collect(Collectors.joining(",", "(", ")"));
    }

    private static String mappings(List<ColumnMapping> ms) {
        return ms.stream()
                .map(m -> quote(m.column().value()) + '=' + quote(m.expression().sql()))
                .collect(Collectors.joining(",", "(", ")"));
    }

    private static String expression(@Nullable SqlExpression e) {
        return e == null ? "-" : quote(e.sql());
    }

    private static String statements(List<SqlStatement> ss) {
        return ss.stream().map(Canonical::statement).collect(Collectors.joining(",", "[", "]"));
    }

    private static String statement(SqlStatement s) {
        return quote(s.sql());
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
