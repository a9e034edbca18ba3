package dev.tandem.postgres;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a plan's stored state.
 *
 * @param planId the plan's id
 * @param checksum the checksum stored when the plan started, or the plan's own when it has not
 * @param state where the plan stands
 * @param updatedAt when the state last changed, or {@code null} if the plan never ran
 * @param rowsBackfilled rows filled by the backfill so far
 * @param inconsistentRows rows found inconsistent by the last verification, or -1 if never verified
 * @param unmappedRows values recorded as unmapped and not yet fixed
 * @param lastError the last failure's message, or {@code null}
 * @param forcedContractReason the reason given when contract was forced, or {@code null}
 */
public record PlanStatus(
        String planId,
        String checksum,
        PlanState state,
        @Nullable Instant updatedAt,
        long rowsBackfilled,
        long inconsistentRows,
        long unmappedRows,
        @Nullable String lastError,
        @Nullable String forcedContractReason) {

    /**
     * {@return whether the old application version may run: from before expand until contract starts}
     *
     * <p>Once contract has started, the old representation is being dropped. Before that, the sync trigger keeps it up
     * to date for every write either version makes.
     */
    public boolean oldVersionMayRun() {
        return state != PlanState.CONTRACTING && state != PlanState.CONTRACTED;
    }

    /**
     * {@return whether the new application version may run: once the backfill is complete, until a rollback starts}
     *
     * <p>Before the backfill is complete, rows from before expand still have empty new columns: a new-version read sees
     * them empty, and an ORM that saves back every column it read would write the empty values over what the backfill
     * filled in meanwhile, and the sync trigger would clear the old column to match. So the new version starts only
     * when Tandem says so, as with pgroll, which exposes a new version's schema only once its backfill is done.
     */
    public boolean newVersionMayRun() {
        return switch (state) {
            case BACKFILLED, VERIFIED, CONTRACTING, CONTRACTED -> true;
            default -> false;
        };
    }

    /** {@return the last failure's message, if any} */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastError);
    }

    private String versions() {
        if (oldVersionMayRun() && newVersionMayRun()) {
            return "old and new version may run";
        }
        return oldVersionMayRun() ? "only the old version may run" : "only the new version may run";
    }

    @Override
    public String toString() {
        return "Plan '" + planId + "': " + state + " (" + versions() + "; rows backfilled " + rowsBackfilled
                + ", inconsistent "
                + (inconsistentRows < 0 ? "not verified" : String.valueOf(inconsistentRows)) + ", unmapped "
                + unmappedRows + (lastError == null ? "" : ", last error: " + lastError) + ")";
    }
}
