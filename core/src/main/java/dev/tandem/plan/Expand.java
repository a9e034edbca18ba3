package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Additive DDL that both application versions tolerate, run at the start of the expand phase, one statement per short
 * transaction under {@code lock_timeout}.
 *
 * @param id step id
 * @param change the change to make
 */
public record Expand(StepId id, SchemaChange change) implements Step {

    /**
     * Checks the components.
     *
     * @param id step id
     * @param change the change
     */
    public Expand {
        requireNonNull(id, "id");
        requireNonNull(change, "change");
    }

    @Override
    public Phase phase() {
        return Phase.EXPAND;
    }

    @Override
    public boolean transactional() {
        return change.transactional();
    }

    @Override
    public <R> R accept(StepVisitor<R> visitor) {
        return visitor.visitExpand(this);
    }
}
