package dev.tandem.testkit.internal;

import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.testkit.CompatibilityReport.Role;

/**
 * Which application versions Tandem lets run in one state of a plan: its readiness contract, as {@link PlanStatus}
 * states it ({@link PlanStatus#oldVersionMayRun()}, {@link PlanStatus#newVersionMayRun()}).
 *
 * @param planState the plan's state the answer is for
 * @param oldMayRun whether the old version may run
 * @param newMayRun whether the new version may run
 */
public record Readiness(PlanState planState, boolean oldMayRun, boolean newMayRun) {

    /**
     * {@return what a status says}
     *
     * @param status the plan's status, from {@code PostgresMigrator.status}
     */
    public static Readiness of(PlanStatus status) {
        return new Readiness(status.state(), status.oldVersionMayRun(), status.newVersionMayRun());
    }

    /**
     * {@return what Tandem says for a plan in {@code state}} Asks {@link PlanStatus} itself, so that the harness never
     * keeps a copy of the rule that could drift from it.
     *
     * @param state the plan's state
     */
    public static Readiness of(PlanState state) {
        return of(new PlanStatus("-", "-", state, null, 0, -1, 0, null, null));
    }

    /**
     * {@return whether the version in {@code role} may run}
     *
     * @param role {@link Role#OLD} or {@link Role#NEW}
     */
    public boolean mayRun(Role role) {
        return switch (role) {
            case OLD -> oldMayRun;
            case NEW -> newMayRun;
            default -> throw new IllegalArgumentException("not a version: " + role);
        };
    }

    /**
     * {@return why the version in {@code role} may or may not run, for the report}
     *
     * @param role {@link Role#OLD} or {@link Role#NEW}
     */
    public String why(Role role) {
        String plan = "plan " + planState;
        if (mayRun(role)) {
            return plan;
        }
        if (role == Role.OLD) {
            return plan + ": the old version may not run once contract has started";
        }
        return switch (planState) {
            case ROLLING_BACK, ROLLED_BACK -> plan + ": the new version may not run after a rollback";
            default -> plan + ": the new version may not run before the backfill is complete";
        };
    }
}
