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
 */
public record SqlUnit(
        Phase phase,
        List<StepId> steps,
        List<RenderedStatement> statements,
        boolean transactional,
        @Nullable TableName lockTable,
        LockMode lockMode,
        boolean rollback) {

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
     */
    public SqlUnit {
        steps = List.copyOf(steps);
        statements = List.copyOf(statements);
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
