package dev.tandem.postgres.internal;

import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Statements the executor runs as one unit: inside one short transaction (with {@code SET LOCAL lock_timeout} and
 * {@code statement_timeout}, retried as a whole on lock timeouts) or, when not transactional, one by one outside any
 * transaction. The unit's steps are marked done in the same transaction, so a crash never leaves a step half-recorded.
 *
 * @param phase the phase the unit belongs to, for markers and messages
 * @param steps the steps the unit completes
 * @param statements the statements, in order
 * @param transactional whether the unit runs in one transaction
 * @param lockTable the table whose lock the unit waits for, or {@code null}
 * @param lockMode the lock it takes on that table
 * @param rollback whether the unit belongs to a rollback
 * @param searchPath the {@code search_path} the statements run with instead of Tandem's pinned one (raw SQL resolves
 *     unqualified tables in the default schema, as explain shows them), or {@code null}
 * @param requires a step whose expand marker must exist for the unit to run (an undo runs only for what ran), or
 *     {@code null}
 */
public record SqlUnit(
        Phase phase,
        List<StepId> steps,
        List<RenderedStatement> statements,
        boolean transactional,
        @Nullable TableName lockTable,
        LockMode lockMode,
        boolean rollback,
        @Nullable String searchPath,
        @Nullable StepId requires) {

    /**
     * Copies the lists.
     *
     * @param phase phase
     * @param steps steps
     * @param statements statements
     * @param transactional transactional
     * @param lockTable lock table
     * @param lockMode lock mode
     * @param rollback rollback
     * @param searchPath search path, or null
     * @param requires required expand step, or null
     */
    public SqlUnit {
        steps = List.copyOf(steps);
        statements = List.copyOf(statements);
    }

    /**
     * A unit with Tandem's own search path that always runs.
     *
     * @param phase phase
     * @param steps steps
     * @param statements statements
     * @param transactional transactional
     * @param lockTable lock table
     * @param lockMode lock mode
     * @param rollback rollback
     */
    public SqlUnit(
            Phase phase,
            List<StepId> steps,
            List<RenderedStatement> statements,
            boolean transactional,
            @Nullable TableName lockTable,
            LockMode lockMode,
            boolean rollback) {
        this(phase, steps, statements, transactional, lockTable, lockMode, rollback, null, null);
    }

    /**
     * {@return this unit, run with another search path}
     *
     * @param path the search path
     */
    public SqlUnit withSearchPath(String path) {
        return new SqlUnit(phase, steps, statements, transactional, lockTable, lockMode, rollback, path, requires);
    }

    /**
     * {@return this unit, run only if {@code step} is marked done in expand}
     *
     * @param step the step
     */
    public SqlUnit requiring(StepId step) {
        return new SqlUnit(phase, steps, statements, transactional, lockTable, lockMode, rollback, searchPath, step);
    }

    /** {@return a label for messages: the first step's id, plus how many more} */
    public String label() {
        return steps.isEmpty() ? "(plan)" : steps.get(0) + (steps.size() > 1 ? " (+" + (steps.size() - 1) + ")" : "");
    }

    /** {@return the phase name used in markers and messages} */
    public String phaseName() {
        return rollback ? "rollback" : phase.name().toLowerCase(java.util.Locale.ROOT);
    }
}
