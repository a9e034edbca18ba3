package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Copies the moved columns of the rows that existed before a {@link MoveColumns} change's triggers into its new table,
 * in short batches on key ranges of the source table, each its own transaction with its cursor. A row gets a row in the
 * new table when one of its moved columns is not null; rows written after the triggers exist are already there.
 *
 * @param id step id
 * @param move the move whose rows it copies
 */
public record BackfillMove(StepId id, MoveColumns move) implements Step {

    /**
     * Checks the components.
     *
     * @param id step id
     * @param move the move
     */
    public BackfillMove {
        requireNonNull(id, "id");
        requireNonNull(move, "move");
    }

    /** {@return the table the rows are read from} */
    public TableName table() {
        return move.table();
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
        return visitor.visitBackfillMove(this);
    }
}
