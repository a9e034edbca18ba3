package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Copies the merged columns of the rows that existed before a {@link MergeColumns} change's triggers into the table
 * that takes them, in short batches on key ranges of the table they leave, each its own transaction with its cursor.
 *
 * @param id step id
 * @param merge the merge whose rows it copies
 */
public record BackfillMerge(StepId id, MergeColumns merge) implements Step {

    /**
     * Checks the components.
     *
     * @param id step id
     * @param merge the merge
     */
    public BackfillMerge {
        requireNonNull(id, "id");
        requireNonNull(merge, "merge");
    }

    /** {@return the table the rows are read from} */
    public TableName table() {
        return merge.table();
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
        return visitor.visitBackfillMerge(this);
    }
}
