package dev.tandem.cli.internal;

import dev.tandem.ErrorCode;
import dev.tandem.postgres.PostgresOptions;
import org.jspecify.annotations.Nullable;

/**
 * The CLI's side of an error message: the library names {@code PostgresOptions} settings and methods, the operator
 * needs the option that sets them. Immutable.
 */
public final class Hints {

    /** Hints without the values in force: for failures before the options were read. */
    static final Hints NONE = new Hints(null);

    private final @Nullable PostgresOptions options;

    /**
     * Creates hints that name the values in force.
     *
     * @param options the options the command ran with, or {@code null} if it failed before they were read
     */
    Hints(@Nullable PostgresOptions options) {
        this.options = options;
    }

    /**
     * {@return what to change for a failure with this code, naming the CLI's options, or {@code null}}
     *
     * @param code the failure's code
     */
    @Nullable
    String forCode(ErrorCode code) {
        return switch (code) {
            case RUNNER_LOCKED ->
                "Let the other runner finish, or wait for it with --runner-lock-wait <duration>"
                        + now(options == null ? null : Durations.format(options.runnerLockWait())) + ".";
            case LOCK_TIMEOUT ->
                "Retry later, end the blocking session, or keep retrying longer with"
                        + " --lock-retry-deadline <duration>"
                        + now(options == null ? null : Durations.format(options.lockRetryDeadline()))
                        + " (each attempt waits --lock-timeout"
                        + now(options == null ? null : Durations.format(options.lockTimeout())) + ").";
            case CONTRACT_REFUSED ->
                "Fix the rows named above (they are listed by verify), then run contract again;"
                        + " or, if they may lose their new-side values, run contract --force <reason>.";
            case OLD_VERSION_CONNECTED ->
                "Stop the old version and run contract again. The old version's sessions"
                        + " are those matched by --old-version-app-name and --old-version-role"
                        + (options == null ? "" : " (now " + options.oldVersionGuard() + ")")
                        + "; contract --force <reason> skips the check.";
            case CHECKSUM_CHANGED ->
                "Deploy the plan as it was when it started, roll it back (rollback <plan>), or"
                        + " give the changed plan a new id.";
            case STATE_SCHEMA_NEWER ->
                "Use the Tandem release that wrote the state tables, or a newer one; or"
                        + " point --state-schema"
                        + now(options == null ? null : options.stateSchema().value()) + " elsewhere.";
            case SCHEMA_MISMATCH ->
                "Check that --url names the right database and --schema"
                        + now(options == null ? null : options.defaultSchema().value())
                        + " the schema of the plan's tables.";
            default -> null;
        };
    }

    private static String now(@Nullable String value) {
        return value == null ? "" : " (now " + value + ")";
    }
}
