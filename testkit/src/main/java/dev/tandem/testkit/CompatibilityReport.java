package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.tandem.testkit.internal.Matrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a {@linkplain CompatibilityCheck compatibility check} found: one {@link Check} per state, version and operation
 * (state x version x operation -> passed, failed or skipped), printable as a matrix with {@link #toString()}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CompatibilityReport {

    /** Whose check a row of the matrix is. */
    public enum Role {
        /** Tandem itself: a phase of the plan (expand, backfill, verify, contract, rollback) and its locks. */
        PLAN,
        /** The old application version's own operations and records. */
        OLD,
        /** The new application version's own operations and records. */
        NEW,
        /** The new version reading records the old version wrote. */
        OLD_TO_NEW,
        /** The old version reading records the new version wrote. */
        NEW_TO_OLD
    }

    /** The outcome of one check. */
    public enum Outcome {
        /** It worked. */
        PASSED,
        /** It failed; the check's detail says how. */
        FAILED,
        /** It could not run because an earlier phase of the same path failed. */
        SKIPPED
    }

    /**
     * One cell of the matrix.
     *
     * @param state the state the database was in
     * @param role whose check it is
     * @param version who ran it as shown in the matrix: {@code plan}, a version's name, or {@code v1 -> v2} for the
     *     new version {@code v2} reading what the old version {@code v1} wrote
     * @param operation what ran, such as {@code insert customer}, {@code write+read customer} or {@code expand}
     * @param outcome passed, failed or skipped
     * @param detail for a failure the error (with its SQLState) or the values that differ; for a pass a short note or
     *     empty
     */
    public record Check(
            CompatibilityState state, Role role, String version, String operation, Outcome outcome, String detail) {
        /**
         * Checks the components.
         *
         * @param state state
         * @param role role
         * @param version version
         * @param operation operation
         * @param outcome outcome
         * @param detail detail
         */
        public Check {
            requireNonNull(state, "state");
            requireNonNull(role, "role");
            requireNonNull(version, "version");
            requireNonNull(operation, "operation");
            requireNonNull(outcome, "outcome");
            requireNonNull(detail, "detail");
        }

        /** {@return whether the check failed} */
        public boolean failed() {
            return outcome == Outcome.FAILED;
        }

        /**
         * {@return one line: state, version, operation, then the detail of a failure (the error) or the outcome, such as
         * {@code EXPANDED | v1 | insert customer: SQLState 42703: ERROR: column "address" does not exist}}
         */
        @Override
        public String toString() {
            String head = state + " | " + version + " | " + operation + ": ";
            if (outcome == Outcome.FAILED) {
                return head + detail;
            }
            String word = outcome == Outcome.PASSED ? "passed" : "skipped";
            return head + word + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    private final String planId;
    private final String oldVersion;
    private final String newVersion;
    private final List<Check> checks;

    CompatibilityReport(String planId, String oldVersion, String newVersion, List<Check> checks) {
        this.planId = requireNonNull(planId, "planId");
        this.oldVersion = requireNonNull(oldVersion, "oldVersion");
        this.newVersion = requireNonNull(newVersion, "newVersion");
        this.checks = List.copyOf(checks);
    }

    /** {@return the id of the plan that was checked} */
    public String planId() {
        return planId;
    }

    /** {@return the old version's name} */
    public String oldVersion() {
        return oldVersion;
    }

    /** {@return the new version's name} */
    public String newVersion() {
        return newVersion;
    }

    /** {@return every check, in the order they ran} */
    public List<Check> checks() {
        return checks;
    }

    /** {@return the failed checks, in the order they ran} */
    public List<Check> failures() {
        List<Check> out = new ArrayList<>();
        for (Check c : checks) {
            if (c.failed()) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /**
     * {@return the failed checks in one state}
     *
     * @param state the state
     */
    public List<Check> failures(CompatibilityState state) {
        requireNonNull(state, "state");
        return failures().stream().filter(c -> c.state() == state).toList();
    }

    /** {@return whether every check passed (none failed)} */
    public boolean compatible() {
        return checks.stream().noneMatch(Check::failed);
    }

    /**
     * {@return the earliest state, in {@link CompatibilityState} order, with a failed check} Empty if every check
     * passed.
     */
    public Optional<CompatibilityState> firstFailingState() {
        return failures().stream().map(Check::state).min(Enum::compareTo);
    }

    /**
     * Fails unless every check passed.
     *
     * @return this report
     * @throws AssertionError listing every failure (state, version, operation, error) followed by the matrix
     */
    @CanIgnoreReturnValue
    public CompatibilityReport assertCompatible() {
        if (!compatible()) {
            throw new AssertionError(toString());
        }
        return this;
    }

    /** {@return the matrix (state x version x operation), preceded by a summary and every failure in full} */
    @Override
    public String toString() {
        return Matrix.render(planId, oldVersion, newVersion, checks);
    }
}
