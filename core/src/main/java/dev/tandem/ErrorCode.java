package dev.tandem;

/**
 * Stable codes for Tandem's errors. Each message ends with its code in brackets, for example {@code [TANDEM-0300]};
 * the user guide's troubleshooting page has a section per code.
 */
public enum ErrorCode {
    /** The plan breaks a rule of the model; nothing ran. */
    PLAN_INVALID("TANDEM-0100"),
    /** The plan names a table or column the database does not have (or already has); nothing ran. */
    SCHEMA_MISMATCH("TANDEM-0110"),
    /** A step's SQL failed for a reason other than a lock. */
    STEP_FAILED("TANDEM-0200"),
    /** A backfill batch failed. */
    BACKFILL_FAILED("TANDEM-0210"),
    /** A DDL statement could not get its table lock before the retry deadline. */
    LOCK_TIMEOUT("TANDEM-0300"),
    /** Another runner holds the plan's advisory lock. */
    RUNNER_LOCKED("TANDEM-0310"),
    /** The plan's stored state does not allow the requested phase. */
    STATE_CONFLICT("TANDEM-0400"),
    /** The plan changed after it started: its checksum differs from the stored one. */
    CHECKSUM_CHANGED("TANDEM-0410"),
    /** Contract was refused because the data is not verified consistent. */
    CONTRACT_REFUSED("TANDEM-0420"),
    /** Contract was refused because sessions of the old application version are still connected. */
    OLD_VERSION_CONNECTED("TANDEM-0430"),
    /** Tandem's state tables were written by a newer Tandem release than this one. */
    STATE_SCHEMA_NEWER("TANDEM-0440"),
    /** A value could not be mapped between representations and the plan's policy is to reject it. */
    UNMAPPED_VALUE("TANDEM-0500");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    /** {@return the code as printed in messages, for example {@code TANDEM-0300}} */
    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code;
    }
}
