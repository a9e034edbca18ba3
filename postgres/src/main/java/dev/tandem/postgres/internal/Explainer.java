package dev.tandem.postgres.internal;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.ExplainedStatement;
import dev.tandem.postgres.ExplainedStatement.Section;
import dev.tandem.postgres.PlanExplanation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds a {@link PlanExplanation} from the renderer's output. Pure. */
public final class Explainer {
    private Explainer() {}

    /**
     * {@return every statement of every phase with its lock}
     *
     * @param plan the plan
     * @param renderer its renderer
     * @param facts catalog facts per qualified table of every sync rule
     */
    public static PlanExplanation explain(
            MigrationPlan plan, PostgresRenderer renderer, Map<TableName, TableFacts> facts) {
        List<ExplainedStatement> out = new ArrayList<>();
        for (SqlUnit u : renderer.expandUnits(plan, facts)) {
            add(out, Section.EXPAND, u);
        }
        for (Backfill b : plan.backfills()) {
            TableFacts f = facts.get(renderer.qualify(b.table()));
            if (f == null || !f.hasKey()) {
                continue;
            }
            for (RenderedStatement s : renderer.backfill(b, f).explained()) {
                out.add(statement(Section.BACKFILL, b.id().value(), s, false));
            }
        }
        for (DualWrite d : plan.dualWrites()) {
            TableFacts f = facts.get(renderer.qualify(d.table()));
            if (f == null || !f.hasKey()) {
                continue;
            }
            for (RenderedStatement s : renderer.verify(d, f).explained()) {
                out.add(statement(Section.VERIFY, d.id().value(), s, false));
            }
        }
        for (SqlUnit u : renderer.contractUnits(plan)) {
            add(out, Section.CONTRACT, u);
        }
        for (SqlUnit u : renderer.rollbackUnits(plan)) {
            add(out, Section.ROLLBACK, u);
        }
        return new PlanExplanation(plan.id(), plan.checksum(), out);
    }

    private static void add(List<ExplainedStatement> out, Section section, SqlUnit u) {
        String step = u.steps().isEmpty() ? null : u.label();
        for (RenderedStatement s : u.statements()) {
            out.add(statement(section, step, s, u.transactional()));
        }
    }

    private static ExplainedStatement statement(
            Section section,
            @org.jspecify.annotations.Nullable String step,
            RenderedStatement s,
            boolean transactional) {
        return new ExplainedStatement(
                section,
                step,
                s.sql(),
                s.lock(),
                s.relation() == null ? null : s.relation().quoted(),
                transactional || section == Section.BACKFILL || section == Section.VERIFY,
                s.rewrites(),
                s.scans(),
                s.note());
    }
}
