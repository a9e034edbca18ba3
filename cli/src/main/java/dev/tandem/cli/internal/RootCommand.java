package dev.tandem.cli.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code tandem}: the options every command shares (they may come before or after the command's name), and the
 * commands. Picocli fills the fields; {@link Settings#resolve} turns them, with the environment, into what a command
 * runs with.
 */
@Command(
        name = "tandem",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Runs Tandem's expand/contract plans on PostgreSQL, phase by phase.",
        subcommands = {
            Commands.Status.class,
            Commands.Explain.class,
            Commands.Expand.class,
            Commands.Backfill.class,
            Commands.Verify.class,
            Commands.Contract.class,
            Commands.Rollback.class,
            Commands.RunTo.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  success",
            "  1  failure: a statement failed, the database is unreachable, or an",
            "     unexpected error",
            "  2  usage error: a bad option, a missing --url, an unknown plan; nothing ran",
            "  3  refused: nothing changed, the plan's state does not allow it: contract",
            "     before the data is verified or while the old version is connected, a",
            "     plan changed after it started or does not fit the database, verify",
            "     finding rows that block contract",
            "  4  blocked: another runner holds the plan, or a table lock was not granted",
            "     in time; try again later",
            "",
            "The password is never an option: it comes from --password-env (default",
            "TANDEM_PASSWORD, then PGPASSWORD), --password-file, or ~/.pgpass.",
            "Plans come from the PlanProviders in META-INF/services of --plans and of",
            "the class path, so this works too:",
            "  java -cp app.jar:tandem-cli-all.jar dev.tandem.cli.TandemCli status",
        })
public final class RootCommand implements Callable<Integer> {

    @Spec
    @SuppressWarnings("NullAway.Init") // injected by picocli
    private CommandSpec spec;

    private final Io io;

    @Option(
            names = "--plans",
            scope = ScopeType.INHERIT,
            paramLabel = "<path>",
            description = "A jar or directory with the application's plans (repeatable; also a path-separator-joined"
                    + " list; 'dir/*' is every jar in dir). Env TANDEM_PLANS.")
    void addPlans(String value) {
        plans.add(value);
    }

    final List<String> plans = new ArrayList<>();

    @Option(
            names = "--url",
            scope = ScopeType.INHERIT,
            paramLabel = "<jdbc-url>",
            description = "The database, such as jdbc:postgresql://db:5432/shop. Env TANDEM_URL.")
    @Nullable
    String url;

    @Option(
            names = "--user",
            scope = ScopeType.INHERIT,
            paramLabel = "<role>",
            description = "The role to connect as. Env TANDEM_USER.")
    @Nullable
    String user;

    @Option(
            names = "--password-env",
            scope = ScopeType.INHERIT,
            paramLabel = "<variable>",
            description = "The environment variable holding the password (default: TANDEM_PASSWORD, then PGPASSWORD).")
    @Nullable
    String passwordEnv;

    @Option(
            names = "--password-file",
            scope = ScopeType.INHERIT,
            paramLabel = "<path>",
            description = "A file holding the password (one trailing line break is ignored).")
    @Nullable
    Path passwordFile;

    @Option(
            names = "--schema",
            scope = ScopeType.INHERIT,
            paramLabel = "<schema>",
            description = "Where the plans' unqualified table names resolve (default public). Env TANDEM_SCHEMA.")
    @Nullable
    String schema;

    @Option(
            names = "--state-schema",
            scope = ScopeType.INHERIT,
            paramLabel = "<schema>",
            description = "Where Tandem keeps its state (default tandem). Env TANDEM_STATE_SCHEMA.")
    @Nullable
    String stateSchema;

    @Option(
            names = "--lock-timeout",
            scope = ScopeType.INHERIT,
            paramLabel = "<duration>",
            converter = DurationConverter.class,
            description = "lock_timeout per DDL attempt: the longest other queries wait behind Tandem (default 500ms)."
                    + " Env TANDEM_LOCK_TIMEOUT.")
    @Nullable
    Duration lockTimeout;

    @Option(
            names = "--lock-retry-deadline",
            scope = ScopeType.INHERIT,
            paramLabel = "<duration>",
            converter = DurationConverter.class,
            description = "How long one DDL statement is retried after lock timeouts (default 2m)."
                    + " Env TANDEM_LOCK_RETRY_DEADLINE.")
    @Nullable
    Duration lockRetryDeadline;

    @Option(
            names = "--runner-lock-wait",
            scope = ScopeType.INHERIT,
            paramLabel = "<duration>",
            converter = DurationConverter.class,
            description = "How long to wait for another runner of the same plan (default 0: exit 4 at once)."
                    + " Env TANDEM_RUNNER_LOCK_WAIT.")
    @Nullable
    Duration runnerLockWait;

    @Option(
            names = "--old-version-app-name",
            scope = ScopeType.INHERIT,
            paramLabel = "<pattern>",
            description =
                    "application_name (LIKE pattern, such as shop-v1%%) of the old version's sessions; contract is"
                            + " refused while one is connected (repeatable). Env TANDEM_OLD_VERSION_APP_NAME, comma-separated.")
    void addOldVersionAppName(String value) {
        oldVersionAppNames.add(value);
    }

    final List<String> oldVersionAppNames = new ArrayList<>();

    @Option(
            names = "--old-version-role",
            scope = ScopeType.INHERIT,
            paramLabel = "<role>",
            description = "A role of the old version's sessions (repeatable). Env TANDEM_OLD_VERSION_ROLE,"
                    + " comma-separated.")
    void addOldVersionRole(String value) {
        oldVersionRoles.add(value);
    }

    final List<String> oldVersionRoles = new ArrayList<>();

    @Option(
            names = "--application-name",
            scope = ScopeType.INHERIT,
            paramLabel = "<name>",
            description = "application_name of Tandem's own sessions (default tandem). Env TANDEM_APPLICATION_NAME.")
    @Nullable
    String applicationName;

    @Option(
            names = "--progress-interval",
            scope = ScopeType.INHERIT,
            paramLabel = "<duration>",
            converter = DurationConverter.class,
            description = "Backfill progress when not on a terminal: one log line per interval (default 10s).")
    @Nullable
    Duration progressInterval;

    @Option(
            names = "--json",
            scope = ScopeType.INHERIT,
            description = "Print one JSON document on stdout, also on failure.")
    boolean json;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Log debug output (each statement, the resolved settings) and stack traces.")
    boolean verbose;

    /**
     * Creates the command.
     *
     * @param io what the run talks to
     */
    public RootCommand(Io io) {
        this.io = requireNonNull(io, "io");
    }

    /** {@return what the run talks to} */
    Io io() {
        return io;
    }

    /** {@return whether {@code --json} was given} */
    boolean json() {
        return json;
    }

    /** {@return whether {@code --verbose} was given} */
    boolean verbose() {
        return verbose;
    }

    /** Without a command there is nothing to do: say which commands there are. */
    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "Missing command: give one of "
                        + String.join(", ", spec.subcommands().keySet()));
    }
}
