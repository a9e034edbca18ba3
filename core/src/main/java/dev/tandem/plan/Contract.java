package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * A change that removes what only the old application version needed. Runs only when the caller asks for the contract
 * phase, and only after the plan's backfills are verified (or the caller forces it with a reason).
 *
 * @param id step id
 * @param change the change to make
 */
public record Contract(StepId id, SchemaChange change) implements Step {

    /**
     * Checks the components.
     *
     * @param id step id
     * @param change the change
     */
    public Contract {
        requireNonNull(id, "id");
        requireNonNull(change, "change");
    }

    @Override
    public Phase phase() {
        return Phase.CONTRACT;
    }

    @Override
    public boolean transactional() {
        return change.transactional();
    }

    @Override
    public <R> R accept(StepVisitor<R> visitor) {
        return visitor.visitContract(this);
    }
}
