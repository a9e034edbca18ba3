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

    /** {@return the last failure's message, if any} */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastError);
    }

    @Override
    public String toString() {
        return "Plan '" + planId + "': " + state + " (rows backfilled " + rowsBackfilled + ", inconsistent "
                + (inconsistentRows < 0 ? "not verified" : String.valueOf(inconsistentRows)) + ", unmapped "
                + unmappedRows + (lastError == null ? "" : ", last error: " + lastError) + ")";
    }
}
