package dev.tandem.postgres;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The result of verifying a plan's sync rules: every row's new representation compared with what the forward
 * mappings give for its old one.
 *
 * @param planId the plan's id
 * @param rowsChecked rows compared
 * @param inconsistentRows rows whose new side differs from the forward mapping of their old side
 * @param inconsistentSample keys of up to 20 inconsistent rows, each as {@code table(key,...)}
 * @param unmappedRows values recorded as unmapped
 * @param unmappedSample up to 100 unmapped rows
 * @param duration how long verification took
 */
public record VerifyReport(
        String planId,
        long rowsChecked,
        long inconsistentRows,
        List<String> inconsistentSample,
        long unmappedRows,
        List<UnmappedRow> unmappedSample,
        Duration duration) {

    /**
     * Copies the lists.
     *
     * @param planId plan id
     * @param rowsChecked rows compared
     * @param inconsistentRows inconsistent rows
     * @param inconsistentSample sample of inconsistent keys
     * @param unmappedRows unmapped rows
     * @param unmappedSample sample of unmapped rows
     * @param duration duration
     */
    public VerifyReport {
        inconsistentSample = List.copyOf(inconsistentSample);
        unmappedSample = List.copyOf(unmappedSample);
    }

    /** {@return whether every row is consistent and nothing is unmapped, so contract may run} */
    public boolean contractable() {
        return inconsistentRows == 0 && unmappedRows == 0;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Verification of plan '")
                .append(planId)
                .append("': ")
                .append(rowsChecked)
                .append(" rows checked, ")
                .append(inconsistentRows)
                .append(" inconsistent, ")
                .append(unmappedRows)
                .append(" unmapped");
        if (!inconsistentSample.isEmpty()) {
            out.append("\n  inconsistent: ").append(String.join(", ", inconsistentSample));
        }
        if (!unmappedSample.isEmpty()) {
            out.append(unmappedSample.stream()
                    .limit(10)
                    .map(u -> "\n  unmapped " + u.table() + u.key() + " " + u.direction() + ": " + u.reason() + " ("
                            + u.value() + ")")
                    .collect(Collectors.joining()));
        }
        return out.toString();
    }
}
