package dev.tandem.testkit;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.BackfillListener;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.VerifyReport;

/**
 * How the {@linkplain CompatibilityHarness compatibility harness} moves a plan from one state to the next. The
 * {@linkplain #DEFAULT default} calls the migrator's phase methods; override one to run a phase the way your
 * deployment does, for example {@link PostgresMigrator#forceContract} with the reason your team accepted.
 *
 * <p>Implementations must be stateless or thread-safe; the harness calls them from the test's thread.
 */
public interface PhaseRunner {
    /** Runs every phase with the migrator's ordinary methods. */
    PhaseRunner DEFAULT = new PhaseRunner() {};

    /**
     * Runs the expand phase.
     *
     * @param migrator the migrator, attached to the harness's lock recorder
     * @param plan the plan
     */
    default void expand(PostgresMigrator migrator, MigrationPlan plan) {
        migrator.expand(plan);
    }

    /**
     * Runs the backfill; the versions Tandem lets run meanwhile (the old one; the new one only where the check
     * {@linkplain CompatibilityCheck#probeNotReady probes} it) write from their own threads.
     *
     * @param migrator the migrator
     * @param plan the plan
     * @param listener the harness's listener: pass it on, it lets the versions write between batches
     * @return what the backfill did
     */
    default BackfillReport backfill(PostgresMigrator migrator, MigrationPlan plan, BackfillListener listener) {
        return migrator.backfill(plan, listener);
    }

    /**
     * Verifies the backfill; the harness fails the plan in {@link CompatibilityState#BACKFILLED_VERIFIED} unless the
     * report is {@linkplain VerifyReport#contractable() contractable}. Which versions then run follows the plan's
     * status afterwards: a runner that skips phases also keeps the new version from running early.
     *
     * @param migrator the migrator
     * @param plan the plan
     * @return the verification
     */
    default VerifyReport verify(PostgresMigrator migrator, MigrationPlan plan) {
        return migrator.verify(plan);
    }

    /**
     * Runs the contract phase.
     *
     * @param migrator the migrator
     * @param plan the plan
     */
    default void contract(PostgresMigrator migrator, MigrationPlan plan) {
        migrator.contract(plan);
    }

    /**
     * Rolls the plan back.
     *
     * @param migrator the migrator
     * @param plan the plan
     */
    default void rollback(PostgresMigrator migrator, MigrationPlan plan) {
        migrator.rollback(plan);
    }
}
