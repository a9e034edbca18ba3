package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * A change that runs at the end of the backfill phase, after every backfill, while the old application version still
 * runs: typically {@code VALIDATE CONSTRAINT}, which needs the backfilled rows and takes no lock that blocks writes.
 *
 * @param id step id
 * @param change the change to make
 */
public record AfterBackfill(StepId id, SchemaChange change) implements Step {

    /**
     * Checks the components.
     *
     * @param id step id
     * @param change the change
     */
    public AfterBackfill {
        requireNonNull(id, "id");
        requireNonNull(change, "change");
    }

    @Override
    public Phase phase() {
        return Phase.BACKFILL;
    }

    @Override
    public boolean transactional() {
        return change.transactional();
    }

    @Override
    public <R> R accept(StepVisitor<R> visitor) {
        return visitor.visitAfterBackfill(this);
    }
}
