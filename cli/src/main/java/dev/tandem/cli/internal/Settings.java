package dev.tandem.cli.internal;

import static java.util.Objects.requireNonNull;

import dev.tandem.postgres.OldVersionGuard;
import dev.tandem.postgres.PostgresOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a command runs with: the options, each falling back to its environment variable, checked and turned into
 * {@link PostgresOptions}. Every problem is a {@link UsageException} naming the option (or variable) to change,
 * raised before anything connects. Immutable.
 *
 * @param plans the {@code --plans} entries
 * @param url the JDBC URL
 * @param user the role, or {@code null} for pgjdbc's default
 * @param password the password and where it came from
 * @param options the migrator's options
 * @param progressInterval the interval of progress lines when not on a terminal
 */
public record Settings(
        List<String> plans,
        String url,
        @Nullable String user,
        Passwords.Resolved password,
        PostgresOptions options,
        Duration progressInterval) {

    private static final Pattern URL_SECRET = Pattern.compile("(?i)(password=)[^&;]*");

    /**
     * Checks and copies.
     *
     * @param plans plans
     * @param url url
     * @param user user
     * @param password password
     * @param options options
     * @param progressInterval progress interval
     */
    public Settings {
        plans = List.copyOf(plans);
        requireNonNull(url, "url");
        requireNonNull(password, "password");
        requireNonNull(options, "options");
        requireNonNull(progressInterval, "progressInterval");
    }

    /**
     * {@return the settings of the parsed command line}
     *
     * @param root the parsed options
     * @param env the environment
     * @throws UsageException if an option or variable is missing or has a bad value
     */
    static Settings resolve(RootCommand root, Map<String, String> env) {
        List<String> plans = new ArrayList<>(root.plans);
        String envPlans = env.get("TANDEM_PLANS");
        if (plans.isEmpty() && envPlans != null && !envPlans.isBlank()) {
            plans.add(envPlans);
        }
        String url = or(root.url, env, "TANDEM_URL");
        if (url == null || url.isBlank()) {
            throw new UsageException("No database given: set --url (or TANDEM_URL) to a JDBC URL such as"
                    + " jdbc:postgresql://db:5432/shop");
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new UsageException("--url must be a PostgreSQL JDBC URL starting with jdbc:postgresql:, such as"
                    + " jdbc:postgresql://db:5432/shop; got '" + masked(url) + "'");
        }
        String user = or(root.user, env, "TANDEM_USER");
        Passwords.Resolved password = Passwords.resolve(root.passwordEnv, root.passwordFile, env);

        PostgresOptions o = PostgresOptions.defaults();
        String schema = or(root.schema, env, "TANDEM_SCHEMA");
        if (schema != null) {
            o = apply(o, "--schema", x -> x.withDefaultSchema(schema));
        }
        String stateSchema = or(root.stateSchema, env, "TANDEM_STATE_SCHEMA");
        if (stateSchema != null) {
            o = apply(o, "--state-schema", x -> x.withStateSchema(stateSchema));
        }
        Duration lockTimeout = duration(root.lockTimeout, env, "TANDEM_LOCK_TIMEOUT");
        if (lockTimeout != null) {
            o = apply(o, "--lock-timeout", x -> x.withLockTimeout(lockTimeout));
        }
        Duration deadline = duration(root.lockRetryDeadline, env, "TANDEM_LOCK_RETRY_DEADLINE");
        if (deadline != null) {
            o = apply(o, "--lock-retry-deadline", x -> x.withLockRetryDeadline(deadline));
        }
        Duration runnerWait = duration(root.runnerLockWait, env, "TANDEM_RUNNER_LOCK_WAIT");
        if (runnerWait != null) {
            o = apply(o, "--runner-lock-wait", x -> x.withRunnerLockWait(runnerWait));
        }
        String applicationName = or(root.applicationName, env, "TANDEM_APPLICATION_NAME");
        if (applicationName != null) {
            if (applicationName.isBlank()) {
                throw new UsageException("--application-name must not be blank: the old-version guard tells Tandem's"
                        + " own sessions by it");
            }
            o = apply(o, "--application-name", x -> x.withApplicationName(applicationName));
        }
        List<String> appNames = list(root.oldVersionAppNames, env, "TANDEM_OLD_VERSION_APP_NAME");
        List<String> roles = list(root.oldVersionRoles, env, "TANDEM_OLD_VERSION_ROLE");
        if (!appNames.isEmpty() || !roles.isEmpty()) {
            OldVersionGuard guard;
            try {
                guard = new OldVersionGuard(appNames, roles);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--old-version-app-name/--old-version-role: " + e.getMessage(), e);
            }
            o = o.withOldVersionGuard(guard);
        }
        Duration interval = root.progressInterval == null ? Duration.ofSeconds(10) : root.progressInterval;
        return new Settings(plans, url, user, password, o, interval);
    }

    /** {@return the URL without the value of a {@code password} parameter, for messages and logs} */
    static String masked(String url) {
        return URL_SECRET.matcher(url).replaceAll("$1***");
    }

    @Override
    public String toString() {
        // what --verbose logs: never the password
        return "Settings[url=" + masked(url) + ", user=" + (user == null ? "(pgjdbc default)" : user) + ", "
                + password + ", plans=" + plans + ", progressInterval=" + Durations.format(progressInterval) + ", "
                + options + "]";
    }

    private static PostgresOptions apply(PostgresOptions o, String option, UnaryOperator<PostgresOptions> change) {
        try {
            return change.apply(o);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage(), e);
        }
    }

    private static boolean has(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static @Nullable String or(@Nullable String value, Map<String, String> env, String name) {
        return value != null ? value : has(env, name) ? env.get(name) : null;
    }

    private static @Nullable Duration duration(@Nullable Duration value, Map<String, String> env, String name) {
        if (value != null) {
            return value;
        }
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("The environment variable " + name + ": " + e.getMessage(), e);
        }
    }

    private static List<String> list(List<String> values, Map<String, String> env, String name) {
        if (!values.isEmpty()) {
            return List.copyOf(values);
        }
        String text = env.get(name);
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String part : text.split(",", -1)) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }
}
