package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Fills the new representation of a {@link DualWrite} rule for the rows that existed before its trigger, in short
 * batches on explicit key ranges, each its own transaction. Rows written after the trigger exists are already in sync.
 * Batch sizing belongs to the executor's options, not to the plan, so tuning it never changes the plan's checksum.
 *
 * @param id step id
 * @param rule the sync rule whose forward mappings the backfill applies
 */
public record Backfill(StepId id, DualWrite rule) implements Step {

    /**
     * Checks the components.
     *
     * @param id step id
     * @param rule the sync rule
     */
    public Backfill {
        requireNonNull(id, "id");
        requireNonNull(rule, "rule");
    }

    /** {@return the table being backfilled} */
    public TableName table() {
        return rule.table();
    }

    @Override
    public Phase phase() {
        return Phase.BACKFILL;
    }

    @Override
    public boolean transactional() {
        return false; // each batch commits on its own
    }

    @Override
    public <R> R accept(StepVisitor<R> visitor) {
        return visitor.visitBackfill(this);
    }
}
