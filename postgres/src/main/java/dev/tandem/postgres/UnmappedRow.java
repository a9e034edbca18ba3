package dev.tandem.postgres;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A row whose value could not be mapped to the other representation and was recorded under
 * {@link dev.tandem.plan.UnmappedPolicy#RECORD}. Fix the value (a write that makes it mappable; the next verification,
 * which contract runs first, then forgets the record) or force the contract with a reason.
 *
 * @param stepId the sync rule's step id
 * @param table the table, as PostgreSQL shows it
 * @param key the row's primary-key values as text, in key order
 * @param direction {@code forward} (old to new) or {@code backward} (new to old)
 * @param sqlState the SQLState of the failed mapping, or {@code null} when the plan's condition rejected it
 * @param reason why it could not be mapped
 * @param value the source value(s), as text, capped at 200 characters
 * @param recordedAt when it was last recorded
 */
public record UnmappedRow(
        String stepId,
        String table,
        List<String> key,
        String direction,
        @Nullable String sqlState,
        String reason,
        String value,
        Instant recordedAt) {

    /**
     * Copies the key.
     *
     * @param stepId step id
     * @param table table
     * @param key key values
     * @param direction direction
     * @param sqlState SQLState or {@code null}
     * @param reason reason
     * @param value source value
     * @param recordedAt when recorded
     */
    public UnmappedRow {
        key = List.copyOf(key);
    }
}
