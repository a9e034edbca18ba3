package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.tandem.testkit.internal.Matrix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a {@linkplain CompatibilityCheck compatibility check} found: one {@link Check} per state, version and operation
 * (state x version x operation -> passed, failed, skipped, not allowed or not ready), printable as a matrix with {@link
 * #toString()}.
 *
 * <p>In each state the report also says which versions Tandem let run ({@link #allowedVersions}): one check per
 * version named {@value #MAY_RUN}, {@linkplain Outcome#PASSED passed} for a version that may run there and {@linkplain
 * Outcome#NOT_ALLOWED not allowed} for one that may not, whose operations, writes and reads were then not run. Checks
 * of a version {@linkplain CompatibilityCheck#probeNotReady probed} where it may not run are {@linkplain
 * Outcome#NOT_READY not ready} when they fail: they are listed, but do not make the report incompatible.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CompatibilityReport {
    /** The operation of the checks that say whether Tandem let a version run in a state. */
    public static final String MAY_RUN = "may run";

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
        SKIPPED,
        /**
         * Tandem says the version may not run in this state (see {@link dev.tandem.postgres.PlanStatus}), so the
         * harness did not run it there; only the {@value CompatibilityReport#MAY_RUN} check of a version has this outcome.
         */
        NOT_ALLOWED,
        /**
         * It failed where Tandem says the version may not run yet (or any more), in a state the check {@linkplain
         * CompatibilityCheck#probeNotReady probes}: informational, it shows why the version must wait, and does not
         * fail the check.
         */
        NOT_READY
    }

    /**
     * One cell of the matrix.
     *
     * @param state the state the database was in
     * @param role whose check it is
     * @param version who ran it as shown in the matrix: {@code plan}, a version's name, or {@code v1 -> v2} for the
     *     new version {@code v2} reading what the old version {@code v1} wrote
     * @param operation what ran, such as {@code insert customer}, {@code write+read customer} or {@code expand}
     * @param outcome passed, failed, skipped, not allowed or not ready
     * @param detail for a failure (or a not-ready probe) the error (with its SQLState) or the values that differ; for
     *     a pass a short note or empty; for a {@value CompatibilityReport#MAY_RUN} check the plan's state and why
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

        /** {@return whether the check failed; a {@linkplain Outcome#NOT_READY not-ready} probe did not} */
        public boolean failed() {
            return outcome == Outcome.FAILED;
        }

        /** {@return whether the check is a probe that failed where the version may not run (informational)} */
        public boolean notReady() {
            return outcome == Outcome.NOT_READY;
        }

        /**
         * {@return one line: state, version, operation, then the detail of a failure (the error) or the outcome, such as
         * {@code EXPANDED | v1 | insert customer: SQLState 42703: ERROR: column "address" does not exist} or {@code
         * EXPANDED | v1 -> v2 | read customer: not ready: ...}}
         */
        @Override
        public String toString() {
            String head = state + " | " + version + " | " + operation + ": ";
            return switch (outcome) {
                case FAILED -> head + detail;
                case NOT_READY -> head + "not ready: " + detail;
                case PASSED, SKIPPED, NOT_ALLOWED -> {
                    String word = outcome == Outcome.PASSED
                            ? "passed"
                            : outcome == Outcome.SKIPPED ? "skipped" : "not allowed, not run";
                    yield head + word + (detail.isEmpty() ? "" : " (" + detail + ")");
                }
            };
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

    /**
     * {@return the probes that failed where Tandem says the version may not run, in the order they ran} They explain
     * why the version must wait; they do not make the report incompatible.
     */
    public List<Check> notReady() {
        return checks.stream().filter(Check::notReady).toList();
    }

    /**
     * {@return the names of the versions Tandem let run in {@code state}, old version first} Empty if the state was not
     * reached. The harness ran no other version there, unless the check {@linkplain CompatibilityCheck#probeNotReady
     * probed} it.
     *
     * @param state the state
     */
    public List<String> allowedVersions(CompatibilityState state) {
        requireNonNull(state, "state");
        return checks.stream()
                .filter(c -> c.state() == state
                        && c.operation().equals(MAY_RUN)
                        && (c.role() == Role.OLD || c.role() == Role.NEW)
                        && c.outcome() == Outcome.PASSED)
                .sorted(Comparator.comparing(Check::role))
                .map(Check::version)
                .distinct()
                .toList();
    }

    /** {@return whether no check failed; {@linkplain #notReady() not-ready} probes do not count} */
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

    /**
     * {@return the matrix (state x version x operation), preceded by a summary, every failure in full, the versions
     * Tandem let run in each state, and every not-ready probe in full}
     */
    @Override
    public String toString() {
        return Matrix.render(planId, oldVersion, newVersion, checks);
    }
}
