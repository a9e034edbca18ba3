package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.tandem.MigrationPlan;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.internal.WalkSettings;
import dev.tandem.testkit.internal.Walker;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One compatibility check of a plan against an old and a new application version; get one from {@link
 * CompatibilityHarness#check}. {@link #run()} walks the plan through every {@link CompatibilityState}, each path on a
 * fresh database that {@link #schema} and {@link #seed} prepare, and in each state:
 *
 * <ul>
 *   <li>runs every {@linkplain AppVersion#operation operation} of each version that must work there: the old version
 *       before contract and after a rollback, the new version from expand to contract;
 *   <li>lets each such version {@linkplain AppVersion#writes write} a record and read it back, and has every version
 *       that must work read every record written earlier, by itself or by the other version, expecting what the
 *       writer read back. (The new version reads records from before expand only once they are backfilled.) Before
 *       expand, the old version writes {@link #seedRecords} records;
 *   <li>while the backfill runs in small batches, runs both versions from their own threads, letting each finish a
 *       round of operations and writes between the first batches;
 *   <li>fails the plan itself when a phase fails, the verification finds inconsistent or unmapped rows, a phase
 *       rewrites a table, or holds a lock that blocks reads for longer than {@link #maxReadBlockingLock}.
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

    private CompatibilityCheck(
            MigrationPlan plan,
            Supplier<TestDatabase> databases,
            PostgresOptions options,
            @Nullable DatabaseAction schema,
            @Nullable DatabaseAction seed,
            @Nullable AppVersion oldVersion,
            @Nullable AppVersion newVersion,
            int seedRecords,
            int batchSize,
            Duration maxReadBlockingLock,
            boolean allowRewrites,
            PhaseRunner phases) {
        this.plan = plan;
        this.databases = databases;
        this.options = options;
        this.schema = schema;
        this.seed = seed;
        this.oldVersion = oldVersion;
        this.newVersion = newVersion;
        this.seedRecords = seedRecords;
        this.batchSize = batchSize;
        this.maxReadBlockingLock = maxReadBlockingLock;
        this.allowRewrites = allowRewrites;
        this.phases = phases;
    }

    static CompatibilityCheck start(MigrationPlan plan, Supplier<TestDatabase> databases, PostgresOptions options) {
        return new CompatibilityCheck(
                plan,
                databases,
                options,
                null,
                null,
                null,
                null,
                20,
                5,
                Duration.ofSeconds(2),
                false,
                PhaseRunner.DEFAULT);
    }

    /**
     * {@return a copy that creates the old version's schema on each fresh database; the receiver is unchanged}
     *
     * @param schema creates the tables as the old version expects them, for example with your real migrations
     */
    public CompatibilityCheck schema(DatabaseAction schema) {
        return new CompatibilityCheck(
                plan,
                databases,
                options,
                requireNonNull(schema, "schema"),
                seed,
                oldVersion,
                newVersion,
                seedRecords,
                batchSize,
                maxReadBlockingLock,
                allowRewrites,
                phases);
    }

    /**
     * {@return a copy that loads seed data after the schema on each fresh database; the receiver is unchanged} Rows
     * loaded here give the backfill something to do; to have the harness check what the versions read of old rows,
     * let the old version write them instead (see {@link #seedRecords}).
     *
     * @param seed loads data, for example {@code INSERT ... SELECT ... FROM generate_series(1, 1000)}
     */
    public CompatibilityCheck seed(DatabaseAction seed) {
        return new CompatibilityCheck(
                plan,
                databases,
                options,
                schema,
                requireNonNull(seed, "seed"),
                oldVersion,
                newVersion,
                seedRecords,
                batchSize,
                maxReadBlockingLock,
                allowRewrites,
                phases);
    }

    /**
     * {@return a copy with the version that runs before the migration; the receiver is unchanged}
     *
     * @param version the old version
     */
    public CompatibilityCheck oldVersion(AppVersion version) {
        return new CompatibilityCheck(
                plan,
                databases,
                options,
                schema,
                seed,
                requireNonNull(version, "version"),
                newVersion,
                seedRecords,
                batchSize,
                maxReadBlockingLock,
                allowRewrites,
                phases);
    }

    /**
     * {@return a copy with the version that runs after the migration; the receiver is unchanged}
     *
     * @param version the new version
     */
    public CompatibilityCheck newVersion(AppVersion version) {
        return new CompatibilityCheck(
                plan,
                databases,
                options,
                schema,
                seed,
                oldVersion,
                requireNonNull(version, "version"),
                seedRecords,
                batchSize,
                maxReadBlockingLock,
                allowRewrites,
                phases);
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
        return new CompatibilityCheck(
                plan,
                databases,
                options,
                schema,
                seed,
                oldVersion,
                newVersion,
                count,
                batchSize,
                maxReadBlockingLock,
                allowRewrites,
                phases);
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
        return new CompatibilityCheck(
                plan,
                databases,
                options,
                schema,
                seed,
                oldVersion,
                newVersion,
                seedRecords,
                rows,
                maxReadBlockingLock,
                allowRewrites,
                phases);
    }

    /**
     * {@return a copy that fails a phase holding a lock that blocks reads (ACCESS EXCLUSIVE) for longer than {@code
     * max} (default 2 s); the receiver is unchanged}
     *
     * @param max the longest acceptable time
     */
    public CompatibilityCheck maxReadBlockingLock(Duration max) {
        requireNonNull(max, "max");
        return new CompatibilityCheck(
                plan,
                databases,
                options,
                schema,
                seed,
                oldVersion,
                newVersion,
                seedRecords,
                batchSize,
                max,
                allowRewrites,
                phases);
    }

    /**
     * {@return a copy that accepts table rewrites (by default a phase that rewrites a table fails); the receiver is
     * unchanged}
     */
    public CompatibilityCheck allowRewrites() {
        return new CompatibilityCheck(
                plan,
                databases,
                options,
                schema,
                seed,
                oldVersion,
                newVersion,
                seedRecords,
                batchSize,
                maxReadBlockingLock,
                true,
                phases);
    }

    /**
     * {@return a copy that moves the plan between states with {@code phases}; the receiver is unchanged}
     *
     * @param phases how each phase runs, for example with {@code forceContract}
     */
    public CompatibilityCheck phases(PhaseRunner phases) {
        return new CompatibilityCheck(
                plan,
                databases,
                options,
                schema,
                seed,
                oldVersion,
                newVersion,
                seedRecords,
                batchSize,
                maxReadBlockingLock,
                allowRewrites,
                requireNonNull(phases, "phases"));
    }

    /**
     * Runs the check. Each of the three paths gets its own database, which is dropped afterwards.
     *
     * @return the matrix of what passed and what failed; it does not throw for a failed check
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
                Duration.ofSeconds(30));
        return new CompatibilityReport(plan.id(), old.name(), neu.name(), Walker.walk(settings));
    }

    /**
     * Runs the check and fails unless everything passed.
     *
     * @return the report, all passed
     * @throws AssertionError listing every failure (state, version, operation, SQL error) and the whole matrix
     * @throws IllegalStateException as {@link #run()}
     */
    @CanIgnoreReturnValue
    public CompatibilityReport assertCompatible() {
        return run().assertCompatible();
    }

    /** {@return the plan and the versions} */
    @Override
    public String toString() {
        return "CompatibilityCheck[plan " + plan.id() + ", old " + (oldVersion == null ? "-" : oldVersion.name())
                + ", new " + (newVersion == null ? "-" : newVersion.name()) + "]";
    }
}
