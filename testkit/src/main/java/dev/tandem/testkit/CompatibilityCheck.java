package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.tandem.MigrationPlan;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.internal.WalkSettings;
import dev.tandem.testkit.internal.Walker;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One compatibility check of a plan against an old and a new application version; get one from {@link
 * CompatibilityHarness#check}. {@link #run()} walks the plan through every {@link CompatibilityState}, each path on a
 * fresh database that {@link #schema} and {@link #seed} prepare, and in each state:
 *
 * <ul>
 *   <li>asks the migrator's {@linkplain dev.tandem.postgres.PostgresMigrator#status status} which versions may run
 *       there (Tandem's readiness contract: {@link dev.tandem.postgres.PlanStatus#oldVersionMayRun()}, {@link
 *       dev.tandem.postgres.PlanStatus#newVersionMayRun()}), reports the answer, and runs only those versions: the old
 *       version until contract (and after a rollback), the new version once the backfill is complete
 *       (backfilled+verified and contracted). A version Tandem does not let run is not run, unless the state is
 *       {@linkplain #probeNotReady probed};
 *   <li>runs every {@linkplain AppVersion#operation operation} of each version that runs there;
 *   <li>lets each such version {@linkplain AppVersion#writes write} a record and read it back, and has every version
 *       that runs there read every record written earlier, by itself or by the other version, expecting what the
 *       writer read back. Before expand, the old version writes {@link #seedRecords} records;
 *   <li>while the backfill runs in small batches, runs the old version from its own thread (the new version may not
 *       run yet), letting it finish a round of operations and writes between the first batches; the new version then
 *       reads what it wrote once the backfill is done;
 *   <li>inside expand, contract and rollback, runs the versions that may run there (the old one during expand and
 *       rollback, the new one during contract) after every unit of work but the last, so that a plan that breaks a
 *       version between two of its units fails too ({@link #probeBetweenUnits});
 *   <li>applies each version's {@linkplain AppVersion#changes changes} to records either version wrote, and expects
 *       every reader to see the changed value;
 *   <li>EXPLAINs each version's {@linkplain AppVersion#query declared queries} and fails a state whose plan reads a
 *       table in a sequential scan where the version's first state used an index;
 *   <li>runs each version as its {@linkplain AppVersion#connectsAs own role}, with its session settings and driver
 *       properties;
 *   <li>fails the plan itself when a phase fails, the verification finds inconsistent or unmapped rows, a unit holds a
 *       lock that blocks writes while it scans a whole table ({@link #acceptBlockingWork} to accept) or rewrites one
 *       ({@link #allowRewrites}), a phase holds a lock that blocks reads for longer than {@link #maxReadBlockingLock},
 *       or a rollback leaves the schema other than it was before expand or cannot be followed by another expand.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe: every method returns a new value and leaves the receiver unchanged.
 */
public final class CompatibilityCheck {
    private final MigrationPlan plan;
    private final Supplier<TestDatabase> databases;
    private final PostgresOptions options;
    private final @Nullable DatabaseAction schema;
    private final @Nullable DatabaseAction seed;
    private final @Nullable AppVersion oldVersion;
    private final @Nullable AppVersion newVersion;
    private final int seedRecords;
    private final int batchSize;
    private final Duration maxReadBlockingLock;
    private final boolean allowRewrites;
    private final PhaseRunner phases;
    private final Set<CompatibilityState> probes;
    private final boolean betweenUnits;
    private final Map<String, String> accepted;
    private final long queryPlanMinRows;

    /** The settings of a check, copied and changed by each method that returns a new check. */
    private static final class Settings {
        final MigrationPlan plan;
        final Supplier<TestDatabase> databases;
        final PostgresOptions options;

        @Nullable
        DatabaseAction schema;

        @Nullable
        DatabaseAction seed;

        @Nullable
        AppVersion oldVersion;

        @Nullable
        AppVersion newVersion;

        int seedRecords = 20;
        int batchSize = 5;
        Duration maxReadBlockingLock = Duration.ofSeconds(2);
        boolean allowRewrites;
        PhaseRunner phases = PhaseRunner.DEFAULT;
        Set<CompatibilityState> probes = Set.of();
        boolean betweenUnits = true;
        Map<String, String> accepted = Map.of();
        long queryPlanMinRows;

        Settings(MigrationPlan plan, Supplier<TestDatabase> databases, PostgresOptions options) {
            this.plan = plan;
            this.databases = databases;
            this.options = options;
        }
    }

    private CompatibilityCheck(Settings s) {
        this.plan = s.plan;
        this.databases = s.databases;
        this.options = s.options;
        this.schema = s.schema;
        this.seed = s.seed;
        this.oldVersion = s.oldVersion;
        this.newVersion = s.newVersion;
        this.seedRecords = s.seedRecords;
        this.batchSize = s.batchSize;
        this.maxReadBlockingLock = s.maxReadBlockingLock;
        this.allowRewrites = s.allowRewrites;
        this.phases = s.phases;
        this.probes = s.probes;
        this.betweenUnits = s.betweenUnits;
        this.accepted = s.accepted;
        this.queryPlanMinRows = s.queryPlanMinRows;
    }

    /** {@return a check with this one's settings as {@code change} leaves them; this check is unchanged} */
    private CompatibilityCheck with(Consumer<Settings> change) {
        Settings s = new Settings(plan, databases, options);
        s.schema = schema;
        s.seed = seed;
        s.oldVersion = oldVersion;
        s.newVersion = newVersion;
        s.seedRecords = seedRecords;
        s.batchSize = batchSize;
        s.maxReadBlockingLock = maxReadBlockingLock;
        s.allowRewrites = allowRewrites;
        s.phases = phases;
        s.probes = probes;
        s.betweenUnits = betweenUnits;
        s.accepted = accepted;
        s.queryPlanMinRows = queryPlanMinRows;
        change.accept(s);
        return new CompatibilityCheck(s);
    }

    static CompatibilityCheck start(MigrationPlan plan, Supplier<TestDatabase> databases, PostgresOptions options) {
        return new CompatibilityCheck(new Settings(plan, databases, options));
    }

    /**
     * {@return a copy that creates the old version's schema on each fresh database; the receiver is unchanged}
     *
     * @param schema creates the tables as the old version expects them, for example with your real migrations
     */
    public CompatibilityCheck schema(DatabaseAction schema) {
        return with(s -> s.schema = requireNonNull(schema, "schema"));
    }

    /**
     * {@return a copy that loads seed data after the schema on each fresh database; the receiver is unchanged} Rows
     * loaded here give the backfill something to do; to have the harness check what the versions read of old rows,
     * let the old version write them instead (see {@link #seedRecords}).
     *
     * @param seed loads data, for example {@code INSERT ... SELECT ... FROM generate_series(1, 1000)}
     */
    public CompatibilityCheck seed(DatabaseAction seed) {
        return with(s -> s.seed = requireNonNull(seed, "seed"));
    }

    /**
     * {@return a copy with the version that runs before the migration; the receiver is unchanged}
     *
     * @param version the old version
     */
    public CompatibilityCheck oldVersion(AppVersion version) {
        return with(s -> s.oldVersion = requireNonNull(version, "version"));
    }

    /**
     * {@return a copy with the version that runs after the migration; the receiver is unchanged}
     *
     * @param version the new version
     */
    public CompatibilityCheck newVersion(AppVersion version) {
        return with(s -> s.newVersion = requireNonNull(version, "version"));
    }

    /**
     * {@return a copy where the old version writes {@code count} records of each kind before expand (default 20);
     * the receiver is unchanged}
     *
     * @param count records per kind, at least 0
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public CompatibilityCheck seedRecords(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("seedRecords must be >= 0 but was " + count);
        }
        return with(s -> s.seedRecords = count);
    }

    /**
     * {@return a copy with another backfill batch size (default 5, so that even a small table takes several batches
     * and the versions' writes fall between them); the receiver is unchanged}
     *
     * @param rows rows per batch, at least 1
     * @throws IllegalArgumentException if {@code rows} is below 1
     */
    public CompatibilityCheck backfillBatchSize(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("backfillBatchSize must be >= 1 but was " + rows);
        }
        return with(s -> s.batchSize = rows);
    }

    /**
     * {@return a copy that fails a phase holding a lock that blocks reads (ACCESS EXCLUSIVE) for longer than {@code
     * max} (default 2 s); the receiver is unchanged}
     *
     * @param max the longest acceptable time
     */
    public CompatibilityCheck maxReadBlockingLock(Duration max) {
        requireNonNull(max, "max");
        return with(s -> s.maxReadBlockingLock = max);
    }

    /**
     * {@return a copy that accepts table rewrites (by default a phase that rewrites a table fails); the receiver is
     * unchanged}
     */
    public CompatibilityCheck allowRewrites() {
        return with(s -> s.allowRewrites = true);
    }

    /**
     * {@return a copy that also runs, in each of {@code states}, the version Tandem says may not run there, and reports
     * what it finds as {@linkplain CompatibilityReport.Outcome#NOT_READY not ready} instead of failing; the receiver is
     * unchanged}
     *
     * <p>An opt-in for a test that shows <em>why</em> a version must wait, for example the new version in {@link
     * CompatibilityState#EXPANDED} and {@link CompatibilityState#BACKFILLING}: it reads rows from before expand with
     * empty new columns, and an ORM that saves back what it read would erase them. In a probed state the version runs
     * its operations, writes and reads, and takes part in the cross-version reads of that state (during the backfill
     * from its own thread, as the allowed version does), exactly as if it were allowed; each of those checks that
     * fails is reported as {@code not ready: ...} and listed in {@link CompatibilityReport#notReady()}, and does not
     * make {@link CompatibilityReport#compatible()} false. Checks that pass are reported as passed. Records a probe
     * wrote are not read in later states.
     *
     * <p>A probe runs against the same database as the rest of the walk: what it changes stays changed. A version
     * that damages data when it runs too early therefore also makes later checks fail, as it would in production.
     * Probing a state where both versions may run ({@link CompatibilityState#BACKFILLED_VERIFIED}) changes nothing.
     *
     * @param states the states to probe, at least one; calling this again replaces the earlier choice
     * @throws IllegalArgumentException if {@code states} is empty
     */
    public CompatibilityCheck probeNotReady(CompatibilityState... states) {
        requireNonNull(states, "states");
        if (states.length == 0) {
            throw new IllegalArgumentException(
                    "probeNotReady needs at least one state, such as CompatibilityState.EXPANDED");
        }
        EnumSet<CompatibilityState> chosen = EnumSet.noneOf(CompatibilityState.class);
        for (CompatibilityState s : states) {
            chosen.add(requireNonNull(s, "state"));
        }
        return with(s -> s.probes = Collections.unmodifiableSet(chosen));
    }

    /**
     * {@return a copy that checks the versions between the units of a phase too, or not; the receiver is unchanged}
     *
     * <p>By default ({@code true}) the harness runs the versions Tandem lets run not only in each state but also inside
     * expand, contract and rollback: after every unit of work of the phase (one transaction, such as one raw SQL step
     * or one sync-trigger install) but the last, whose state the checks of the next state cover. A plan that is
     * compatible at every state can still break a version between two of its units, for example a table renamed by one
     * raw SQL step and replaced by a view in the next. Such a failure is reported in the state the phase leads to
     * ({@link CompatibilityState#EXPANDED}, {@link CompatibilityState#CONTRACTED} or the rolled-back state), and its
     * detail names the unit: {@code after expand unit raw-1/expand (ALTER TABLE customers RENAME TO clients): ...}.
     * Between units the versions run their operations, write one record each and read everything written before; a
     * version Tandem does not let run during the phase is not run there, even in a {@linkplain #probeNotReady probed}
     * state.
     *
     * @param enabled {@code false} to check only in the states, which is faster for a plan with many units
     */
    public CompatibilityCheck probeBetweenUnits(boolean enabled) {
        return with(s -> s.betweenUnits = enabled);
    }

    /**
     * {@return a copy that accepts the blocking work of one step, for the reason given; the receiver is unchanged}
     *
     * <p>The harness judges each unit of expand, contract and rollback by what PostgreSQL reports it did, not by how
     * long it took on the test's few rows: a unit that holds a lock blocking writes ({@code SHARE} or stronger) on a
     * table while it reads that table in a full scan ({@code CREATE INDEX} without {@code CONCURRENTLY}, {@code SET
     * NOT NULL} without a validated {@code CHECK}, a constraint added without {@code NOT VALID}) or rewrites it
     * ({@code ALTER COLUMN ... TYPE}) blocks the application for as long as the table takes to scan, which on a large
     * table is minutes. Such a finding fails the plan, unless the test accepts it here: for a table known to stay
     * small, or a maintenance window. The reason shows in the report.
     *
     * @param stepId the id of the step whose unit does the work, as in the failure, such as {@code raw-1/expand}
     * @param reason why blocking writes for a full scan or rewrite is acceptable here, not blank
     * @throws IllegalArgumentException if the step id or the reason is blank
     */
    public CompatibilityCheck acceptBlockingWork(String stepId, String reason) {
        requireNonNull(stepId, "stepId");
        requireNonNull(reason, "reason");
        if (stepId.isBlank() || reason.isBlank()) {
            throw new IllegalArgumentException("acceptBlockingWork needs the step's id and a reason, such as"
                    + " acceptBlockingWork(\"raw-1/expand\", \"countries has 250 rows\")");
        }
        Map<String, String> next = new LinkedHashMap<>(accepted);
        next.put(stepId, reason);
        return with(s -> s.accepted = Map.copyOf(next));
    }

    /**
     * {@return a copy that judges the {@linkplain AppVersion#query declared queries} only on tables with at least
     * {@code rows} rows in the test database (default 0: every table); the receiver is unchanged}
     *
     * @param rows the fewest rows, as {@code ANALYZE} estimates them, of a table whose sequential scan fails a query
     * @throws IllegalArgumentException if {@code rows} is negative
     */
    public CompatibilityCheck queryPlanMinRows(long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("queryPlanMinRows must be >= 0 but was " + rows);
        }
        return with(s -> s.queryPlanMinRows = rows);
    }

    /**
     * {@return a copy that moves the plan between states with {@code phases}; the receiver is unchanged}
     *
     * @param phases how each phase runs, for example with {@code forceContract}
     */
    public CompatibilityCheck phases(PhaseRunner phases) {
        return with(s -> s.phases = requireNonNull(phases, "phases"));
    }

    /**
     * Runs the check. Each of the three paths gets its own database, which is dropped afterwards.
     *
     * @return the matrix of what passed, what failed, which versions Tandem let run in each state and what probes
     *     found; it does not throw for a failed check
     * @throws IllegalStateException if the old or the new version is missing, both have the same name, or a version
     *     writes a kind of record it cannot read back
     */
    public CompatibilityReport run() {
        AppVersion old = oldVersion;
        AppVersion neu = newVersion;
        if (old == null || neu == null) {
            throw new IllegalStateException("A compatibility check needs oldVersion(..) and newVersion(..); "
                    + (old == null ? "the old version" : "the new version") + " is missing");
        }
        if (old.name().equals(neu.name())) {
            throw new IllegalStateException("The old and the new version are both named '" + old.name()
                    + "'; give them distinct names, such as v1 and v2");
        }
        for (AppVersion v : List.of(old, neu)) {
            for (AppVersion.Change change : v.changes()) {
                if (!v.readers().containsKey(change.record())) {
                    throw new IllegalStateException("Version " + v.name() + " changes '" + change.record()
                            + "' but cannot read it; add reads(\"" + change.record()
                            + "\", ...) so that the harness learns what the change wrote");
                }
            }
            for (String kind : v.writers().keySet()) {
                if (!v.readers().containsKey(kind)) {
                    throw new IllegalStateException("Version " + v.name() + " writes '" + kind + "' but cannot read it;"
                            + " add reads(\"" + kind + "\", ...) so that the harness learns what it wrote");
                }
            }
        }
        WalkSettings settings = new WalkSettings(
                plan,
                databases,
                options,
                schema,
                seed,
                old,
                neu,
                seedRecords,
                batchSize,
                maxReadBlockingLock,
                allowRewrites,
                phases,
                Duration.ofSeconds(30),
                probes,
                betweenUnits,
                accepted,
                queryPlanMinRows);
        return new CompatibilityReport(plan.id(), old.name(), neu.name(), Walker.walk(settings));
    }

    /**
     * Runs the check and fails unless every check passed; {@linkplain #probeNotReady not-ready probes} do not fail it.
     *
     * @return the report, nothing failed
     * @throws AssertionError listing every failure (state, version, operation, SQL error) and the whole matrix
     * @throws IllegalStateException as {@link #run()}
     */
    @CanIgnoreReturnValue
    public CompatibilityReport assertCompatible() {
        return run().assertCompatible();
    }

    /** {@return the plan, the versions and the probed states, if any} */
    @Override
    public String toString() {
        return "CompatibilityCheck[plan " + plan.id() + ", old " + (oldVersion == null ? "-" : oldVersion.name())
                + ", new " + (newVersion == null ? "-" : newVersion.name())
                + (probes.isEmpty() ? "" : ", probes " + probes)
                + (betweenUnits ? "" : ", not between units") + "]";
    }
}
