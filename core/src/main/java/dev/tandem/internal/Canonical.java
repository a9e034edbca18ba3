package dev.tandem.internal;

import dev.tandem.plan.AddColumn;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.ColumnMapping;
import dev.tandem.plan.Contract;
import dev.tandem.plan.DropColumn;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Expand;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.SchemaChange;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.Step;
import dev.tandem.plan.StepVisitor;
import dev.tandem.plan.TableName;
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
            return "add-column " + table(c.table()) + ' ' + quote(c.column().value()) + ' '
                    + quote(c.type().sql());
        }

        @Override
        public String visitDropColumn(DropColumn c) {
            return "drop-column " + table(c.table()) + ' ' + quote(c.column().value());
        }

        @Override
        public String visitRaw(RawChange c) {
            return "raw " + statement(c.statement()) + " undo " + (c.undo() == null ? "-" : statement(c.undo()))
                    + " transactional " + c.transactional();
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
                    + s.unmappedPolicy().name() + (s.copiesColumn() ? " copies-column" : "");
        }

        @Override
        public String visitBackfill(Backfill s) {
            return "backfill " + quote(s.id().value()) + " rule "
                    + quote(s.rule().id().value());
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

    private static String statement(SqlStatement s) {
        return quote(s.sql());
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
