package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.testkit.database.PostgresServer;
import dev.tandem.testkit.database.TestDatabase;
import java.util.function.Supplier;

/**
 * The compatibility harness: proves that the old and the new version of an application each work at every
 * intermediate schema of a migration plan where Tandem says it may run (the old version until contract, the new one
 * once the backfill is complete), and that each reads what the other wrote. Take one as a parameter of a
 * {@link TandemTest} method, or create one with {@link #on(PostgresServer)}; then describe the check:
 *
 * <pre>{@code
 * harness.check(plan)
 *     .schema(ds -> createCustomersTable(ds))
 *     .oldVersion(v1)
 *     .newVersion(v2)
 *     .assertCompatible();
 * }</pre>
 *
 * <p>See {@link CompatibilityCheck} for what runs where, and {@link CompatibilityReport} for the result.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CompatibilityHarness {
    /** Prefix of the databases the harness creates on a server: {@code tandem_compat_<random>}. */
    public static final String DATABASE_PREFIX = "tandem_compat";

    private final Supplier<TestDatabase> databases;
    private final PostgresOptions options;

    private CompatibilityHarness(Supplier<TestDatabase> databases, PostgresOptions options) {
        this.databases = requireNonNull(databases, "databases");
        this.options = requireNonNull(options, "options");
    }

    /**
     * {@return a harness that creates a fresh database per path on {@code server} and drops it afterwards}
     *
     * @param server the server, for example {@code PostgresServers.shared(TestPostgresConfig.fromEnvironment())}
     */
    public static CompatibilityHarness on(PostgresServer server) {
        requireNonNull(server, "server");
        return new CompatibilityHarness(() -> server.createDatabase(DATABASE_PREFIX), PostgresOptions.defaults());
    }

    /**
     * {@return a harness that takes a fresh, empty database per path from {@code databases}} The harness closes each
     * database when it is done with it.
     *
     * @param databases gives a new empty database on every call
     */
    public static CompatibilityHarness on(Supplier<TestDatabase> databases) {
        return new CompatibilityHarness(databases, PostgresOptions.defaults());
    }

    /**
     * {@return a copy whose migrators use {@code options} (schema, state schema, timeouts); the receiver is unchanged}
     * The harness still sets the backfill batch size and its own execution listener.
     *
     * @param options the options
     */
    public CompatibilityHarness withOptions(PostgresOptions options) {
        return new CompatibilityHarness(databases, options);
    }

    /** {@return the migrator options} */
    public PostgresOptions options() {
        return options;
    }

    /**
     * {@return a check of {@code plan}, to be described further and then run}
     *
     * @param plan the plan under test
     */
    public CompatibilityCheck check(MigrationPlan plan) {
        return CompatibilityCheck.start(requireNonNull(plan, "plan"), databases, options);
    }

    /** {@return a description without secrets} */
    @Override
    public String toString() {
        return "CompatibilityHarness[" + options + "]";
    }
}
