package dev.tandem.postgres.internal;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.BackfillMerge;
import dev.tandem.plan.BackfillMove;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Phase;
import dev.tandem.plan.Step;
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
        return explain(plan, renderer, facts, Map.of(), java.util.Set.of());
    }

    /**
     * {@return every statement of every phase with its lock, with notes on steps}
     *
     * @param plan the plan
     * @param renderer its renderer
     * @param facts catalog facts per qualified table of every sync rule
     * @param notes per contract step id, a remark added to its statements (what a drop also drops, why it would fail)
     * @param relaxed the contract steps whose NOT NULL relax expand has marked done already
     */
    public static PlanExplanation explain(
            MigrationPlan plan,
            PostgresRenderer renderer,
            Map<TableName, TableFacts> facts,
            Map<String, String> notes,
            java.util.Set<String> relaxed) {
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
                out.add(statement(Section.BACKFILL, b.id().value(), s, true)); // each batch is a transaction
            }
        }
        for (Step step : plan.steps(Phase.BACKFILL)) {
            if (step instanceof BackfillMove m) {
                TableFacts f = facts.get(renderer.qualify(m.table()));
                if (f != null && f.key().size() == 1) {
                    for (RenderedStatement s : renderer.backfill(m, f).explained()) {
                        out.add(statement(Section.BACKFILL, m.id().value(), s, true));
                    }
                }
            }
        }
        for (Step step : plan.steps(Phase.BACKFILL)) {
            if (step instanceof BackfillMerge m) {
                TableFacts from = facts.get(renderer.qualify(m.table()));
                TableFacts into = facts.get(renderer.qualify(m.merge().into()));
                if (from != null
                        && into != null
                        && from.key().size() == 1
                        && into.key().size() == 1) {
                    for (RenderedStatement s : renderer.backfill(m, from, into).explained()) {
                        out.add(statement(Section.BACKFILL, m.id().value(), s, true));
                    }
                }
            }
        }
        for (SqlUnit u : renderer.afterBackfillUnits(plan, facts)) {
            add(out, Section.BACKFILL, u);
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
        for (Step step : plan.steps(Phase.BACKFILL)) {
            if (step instanceof BackfillMove m) {
                TableFacts f = facts.get(renderer.qualify(m.table()));
                if (f != null && f.key().size() == 1) {
                    for (RenderedStatement s : renderer.verify(m, f).explained()) {
                        out.add(statement(Section.VERIFY, m.id().value(), s, false));
                    }
                }
            }
        }
        for (Step step : plan.steps(Phase.BACKFILL)) {
            if (step instanceof BackfillMerge m) {
                TableFacts from = facts.get(renderer.qualify(m.table()));
                TableFacts into = facts.get(renderer.qualify(m.merge().into()));
                if (from != null
                        && into != null
                        && from.key().size() == 1
                        && into.key().size() == 1) {
                    for (RenderedStatement s : renderer.verify(m, into, from).explained()) {
                        out.add(statement(Section.VERIFY, m.id().value(), s, false));
                    }
                }
            }
        }
        for (SqlUnit u : renderer.contractUnits(plan, facts)) {
            add(out, Section.CONTRACT, noted(u, notes));
        }
        // the NOT NULL restores of rollback run only for columns whose NOT NULL expand relaxes
        for (SqlUnit u : renderer.rollbackUnits(
                plan, c -> relaxed.contains(c.id().value()) || renderer.relaxesNotNull(plan, c, facts))) {
            add(out, Section.ROLLBACK, u);
        }
        return new PlanExplanation(plan.id(), plan.checksum(), out);
    }

    /** The unit with each note of one of its steps added to its DROP COLUMN statements. */
    private static SqlUnit noted(SqlUnit u, Map<String, String> notes) {
        List<String> mine = new ArrayList<>();
        for (dev.tandem.plan.StepId id : u.steps()) {
            String n = notes.get(id.value());
            if (n != null) {
                mine.add(id + ": " + n);
            }
        }
        if (mine.isEmpty()) {
            return u;
        }
        List<RenderedStatement> statements = new ArrayList<>();
        for (RenderedStatement r : u.statements()) {
            statements.add(
                    r.sql().contains(" DROP COLUMN ")
                            ? new RenderedStatement(
                                    r.sql(),
                                    r.lock(),
                                    r.relation(),
                                    r.rewrites(),
                                    r.scans(),
                                    (r.note().isEmpty() ? "" : r.note() + "; ") + String.join("; ", mine))
                            : r);
        }
        return new SqlUnit(
                u.phase(),
                u.steps(),
                statements,
                u.transactional(),
                u.lockTable(),
                u.lockMode(),
                u.rollback(),
                u.searchPath(),
                u.requires());
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
                transactional || section == Section.VERIFY,
                s.rewrites(),
                s.scans(),
                s.note());
    }
}
