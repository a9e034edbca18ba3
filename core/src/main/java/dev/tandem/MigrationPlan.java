package dev.tandem;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Canonical;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Phase;
import dev.tandem.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An expand/contract migration: an id, a description, and the ordered {@linkplain Step steps} its operations compile
 * to. Build one with {@link #named(String)}:
 *
 * <pre>{@code
 * MigrationPlan plan = MigrationPlan.named("customers-address-split")
 *     .description("Split customers.address into structured columns")
 *     .deriveColumns(DeriveColumns.on(TableName.of("customers")).from("address") ...)
 *     .dropColumn(TableName.of("customers"), "address")
 *     .build();
 * }</pre>
 *
 * <p>A plan is an immutable, thread-safe value. Its {@linkplain #checksum() checksum} covers the id and every step, and
 * not the description: an executor refuses to continue a started plan whose checksum changed.
 */
public final class MigrationPlan {

    private final String id;
    private final String description;
    private final List<Step> steps;
    private final List<Operation> operations;
    private final String checksum;

    MigrationPlan(String id, String description, List<Step> steps, List<Operation> operations) {
        this.id = requireNonNull(id, "id");
        this.description = requireNonNull(description, "description");
        this.steps = List.copyOf(steps);
        this.operations = List.copyOf(operations);
        this.checksum = Canonical.checksum(id, this.steps);
    }

    /**
     * {@return an empty builder for a plan with this id}
     *
     * <p>The id is stored in the database and identifies the plan across runs and processes: use lower-case letters,
     * digits and {@code . _ - /}, at most 200 characters. {@link PlanBuilder#build()} reports a bad id together with
     * every other problem.
     *
     * @param id the plan's id, for example {@code customers-address-split}
     */
    public static PlanBuilder named(String id) {
        return PlanBuilder.start(requireNonNull(id, "id"));
    }

    /** {@return the plan's id} */
    public String id() {
        return id;
    }

    /** {@return the human-readable description; may be empty} */
    public String description() {
        return description;
    }

    /** {@return the operations the plan was built from, in the order they were added (not part of the checksum)} */
    public List<Operation> operations() {
        return operations;
    }

    /** {@return every step, in execution order} */
    public List<Step> steps() {
        return steps;
    }

    /**
     * {@return the steps of one phase, in execution order}
     *
     * @param phase the phase
     */
    public List<Step> steps(Phase phase) {
        requireNonNull(phase, "phase");
        List<Step> result = new ArrayList<>();
        for (Step s : steps) {
            if (s.phase() == phase) {
                result.add(s);
            }
        }
        return List.copyOf(result);
    }

    /** {@return the plan's sync rules, in order} */
    public List<DualWrite> dualWrites() {
        List<DualWrite> result = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof DualWrite d) {
                result.add(d);
            }
        }
        return List.copyOf(result);
    }

    /** {@return the plan's backfills, in order} */
    public List<Backfill> backfills() {
        List<Backfill> result = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof Backfill b) {
                result.add(b);
            }
        }
        return List.copyOf(result);
    }

    /**
     * {@return a SHA-256 hex digest over the id and the canonical form of every step}
     *
     * <p>Stable across Tandem versions for an unchanged plan: it is computed from an explicit canonical text, not from
     * {@code toString()}.
     */
    public String checksum() {
        return checksum;
    }

    /** {@return the plan's canonical text, the input of the checksum; useful to see why a checksum changed} */
    public String canonicalForm() {
        return Canonical.text(id, steps);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MigrationPlan other
                && id.equals(other.id)
                && description.equals(other.description)
                && steps.equals(other.steps);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, description, steps);
    }

    @Override
    public String toString() {
        return "MigrationPlan[" + id + ", " + steps.size() + " steps, checksum " + checksum.substring(0, 12) + "]";
    }
}
