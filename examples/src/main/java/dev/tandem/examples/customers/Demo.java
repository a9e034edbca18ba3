package dev.tandem.examples.customers;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanStateException;
import dev.tandem.postgres.BackfillListener;
import dev.tandem.postgres.BackfillProgress;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.postgres.UnmappedRow;
import dev.tandem.postgres.VerifyReport;
import dev.tandem.testkit.database.PostgresServer;
import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.exception.DataAccessException;
import org.jspecify.annotations.Nullable;

/**
 * The tutorial's story, done with Tandem, on embedded PostgreSQL, in about half a minute:
 *
 * <ol>
 *   <li>version 1's schema with 100,000 customers, some with malformed addresses of the kinds that broke the
 *       tutorial's one-transaction migration, some with none;
 *   <li>version 1 of the application writing and reading from background threads;
 *   <li><b>expand</b>: the four new columns and the sync trigger; version 1 keeps running, version 2 may not start
 *       yet;
 *   <li><b>backfill</b> in short batches, with live progress, while version 1 keeps writing;
 *   <li>version 2 starts, because the plan's status now says it may ({@link PlanStatus#newVersionMayRun()}); each
 *       version reads back what the other just wrote;
 *   <li><b>verify</b>: every row consistent, but the malformed addresses are reported as unmapped;
 *   <li><b>contract is refused</b> while they remain;
 *   <li>version 1 retires (all traffic on version 2) and an operator fixes the unmapped addresses with version 1's
 *       update; the records stay until verify runs again, finds those rows consistent and forgets them;
 *   <li><b>contract</b>: {@code address} is dropped while version 2 keeps writing.
 * </ol>
 *
 * <p>Each version runs only where Tandem says it may ({@link PlanStatus#oldVersionMayRun()}, {@link
 * PlanStatus#newVersionMayRun()}): before the backfill is complete, version 2 would read rows from before expand with
 * empty new columns. After each step the demo prints which versions may run.
 *
 * <p>Every phase is printed with its duration, and at the end each version's operations and errors. The exit code is 0
 * only if neither version had an error, no cross-version read saw something else than was written, and the plan
 * ended {@link PlanState#CONTRACTED}.
 *
 * <p>Run it from the repository root with {@code mvn -B -Pdemo -DskipTests package}; {@code -Dtandem.demo.rows=N}
 * seeds another number of customers.
 */
public final class Demo {
    private Demo() {}

    /** System property with the number of customers to seed. */
    static final String ROWS_PROPERTY = "tandem.demo.rows";

    /**
     * How big and how long the story is.
     *
     * @param rows customers seeded
     * @param malformedShare share of seeded (and version 1's written) addresses that are malformed
     * @param nullShare share of seeded customers without an address
     * @param versionOneAlone how long version 1 runs alone before expand
     * @param bothVersions how long both versions run after the backfill, before verify
     * @param versionTwoAlone how long version 2 runs after contract
     * @param opsPerSecond operations per second of each version
     * @param threadsPerVersion worker threads of each version
     * @param backfillPause the pause between backfill batches ({@link PostgresOptions#withBatchPause}), zero for none
     */
    record Settings(
            int rows,
            double malformedShare,
            double nullShare,
            Duration versionOneAlone,
            Duration bothVersions,
            Duration versionTwoAlone,
            int opsPerSecond,
            int threadsPerVersion,
            Duration backfillPause) {

        /**
         * {@return the demo's settings: 100,000 customers, 2% malformed, 1% without an address, 150 ops/s each, no
         * pause between backfill batches}
         */
        static Settings defaults() {
            return new Settings(
                    100_000,
                    0.02,
                    0.01,
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2),
                    150,
                    2,
                    Duration.ZERO);
        }

        /** {@return a copy with another number of customers} */
        Settings withRows(int rows) {
            return new Settings(
                    rows,
                    malformedShare,
                    nullShare,
                    versionOneAlone,
                    bothVersions,
                    versionTwoAlone,
                    opsPerSecond,
                    threadsPerVersion,
                    backfillPause);
        }

        /** {@return a copy whose versions run alone and together for {@code each}} */
        Settings withPhasesOf(Duration each) {
            return new Settings(
                    rows, malformedShare, nullShare, each, each, each, opsPerSecond, threadsPerVersion, backfillPause);
        }

        /** {@return a copy whose backfill pauses for {@code pause} after each batch} */
        Settings withBackfillPause(Duration pause) {
            return new Settings(
                    rows,
                    malformedShare,
                    nullShare,
                    versionOneAlone,
                    bothVersions,
                    versionTwoAlone,
                    opsPerSecond,
                    threadsPerVersion,
                    pause);
        }
    }

    /**
     * A phase of the story and how long it took.
     *
     * @param name what happened
     * @param duration how long it took
     */
    record Phase(String name, Duration duration) {}

    /**
     * What happened.
     *
     * @param v1 version 1's traffic
     * @param v2 version 2's traffic
     * @param crossChecks the cross-version read-after-write checks
     * @param finalState the plan's state at the end
     * @param phases the phases in order
     * @param versionOneDuringBackfill operations version 1 ran while the backfill ran
     * @param versionTwoStartedIn the plan's state when version 2 started
     */
    record Result(
            Traffic.Stats v1,
            Traffic.Stats v2,
            CrossCheck.Stats crossChecks,
            PlanState finalState,
            List<Phase> phases,
            long versionOneDuringBackfill,
            PlanState versionTwoStartedIn) {
        Result {
            phases = List.copyOf(phases);
        }

        /** {@return whether neither version failed, every cross-version read matched, and the plan is contracted} */
        boolean success() {
            return v1.errors() == 0
                    && v2.errors() == 0
                    && crossChecks.mismatches() == 0
                    && finalState == PlanState.CONTRACTED;
        }
    }

    /**
     * Starts embedded PostgreSQL (or what {@code TANDEM_TEST_JDBC_URL} and friends configure), runs the story and exits
     * with 0 on success, 1 otherwise.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        PrintStream out = System.out;
        Settings settings = Settings.defaults().withRows(Integer.getInteger(ROWS_PROPERTY, 100_000));
        boolean success = false;
        long t0 = System.nanoTime();
        try (PostgresServer server = PostgresServers.start(TestPostgresConfig.fromEnvironment());
                TestDatabase db = server.createDatabase("tandem_demo")) {
            out.printf(
                    Locale.ROOT,
                    "Started %s in %s; database %s%n",
                    server.description(),
                    seconds(Duration.ofNanos(System.nanoTime() - t0)),
                    db.name());
            success = run(db, settings, out).success();
        } catch (SQLException | RuntimeException e) {
            out.println("The demo failed:");
            e.printStackTrace(out);
        }
        out.printf(Locale.ROOT, "%nDemo %s in %s%n", success ? "OK" : "FAILED", seconds(since(t0)));
        out.flush();
        System.exit(success ? 0 : 1);
    }

    /**
     * Runs the story on an empty database.
     *
     * @param db the database; the story creates the table and Tandem's state in it
     * @param settings how big and how long
     * @param out where the story is told
     * @return what happened
     * @throws SQLException if seeding or a query of the operator's fails
     */
    static Result run(TestDatabase db, Settings settings, PrintStream out) throws SQLException {
        requireNonNull(settings, "settings");
        Script script = new Script(out);
        DataSource admin = db.dataSource();
        HikariDataSource v1Pool = db.newDataSource(settings.threadsPerVersion() + 1, "app-v1");
        HikariDataSource v2Pool = db.newDataSource(settings.threadsPerVersion() + 1, "app-v2");
        HikariDataSource tandemPool = db.newDataSource(2, "tandem");
        AppV1 v1 = new AppV1(v1Pool);
        AppV2 v2 = new AppV2(v2Pool);
        MigrationPlan plan = AddressSplitPlan.plan();
        PostgresMigrator migrator = PostgresMigrator.create(
                tandemPool, PostgresOptions.defaults().withBatchPause(settings.backfillPause()));
        CrossCheck crossCheck = new CrossCheck();
        int seeded = settings.rows();
        Traffic v1Traffic = versionOneTraffic(v1, v2, crossCheck, Math.max(1, seeded), settings);
        Traffic v2Traffic = versionTwoTraffic(v1, v2, crossCheck, Math.max(1, seeded), settings);
        Supplier<String> traffic = () -> brief(v1Traffic.stats()) + "; " + brief(v2Traffic.stats());
        Supplier<String> v1Only = () -> brief(v1Traffic.stats());
        out.println();
        out.println("Splitting customers.address into street_address, city, state and zip_code while the application"
                + " keeps running: version 1 throughout the backfill, version 2 from the moment Tandem says it may run."
                + " Neither has dual-write code; the database keeps both shapes in sync.");
        try {
            CustomersSchema.SeedReport seed =
                    script.phase(String.format(Locale.ROOT, "Version 1's schema with %,d customers", seeded), () -> {
                        CustomersSchema.create(admin);
                        return CustomersSchema.seed(
                                admin,
                                new CustomersSchema.Seed(seeded, settings.malformedShare(), settings.nullShare(), 42));
                    });
            out.printf(
                    Locale.ROOT,
                    "    %,d malformed addresses (%s), %,d without an address%n",
                    seed.malformed(),
                    seed.malformedByKind().entrySet().stream()
                            .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                            .collect(Collectors.joining(", ")),
                    seed.nullAddresses());
            printMayRun(out, migrator.status(plan));

            script.act("Version 1 in production: reads and writes address", () -> {
                v1.list(1); // the first jOOQ query of a JVM loads much of jOOQ: not what the traffic should measure
                v1Traffic.startIfAllowed(migrator.status(plan));
                pause(settings.versionOneAlone());
            });
            out.println("    " + brief(v1Traffic.stats()));

            PlanStatus expanded = script.phase("Expand: add the new columns and the sync trigger", () -> {
                return migrator.expand(plan);
            });
            out.println("    " + expanded);
            printMayRun(out, expanded);
            if (v2Traffic.mayRun(expanded)) {
                throw new IllegalStateException("Tandem lets version 2 run before the backfill: " + expanded);
            }

            long v1BeforeBackfill = v1Traffic.stats().operations();
            BackfillReport backfill = script.phase(
                    "Backfill the existing rows in batches while version 1 keeps writing; version 2 waits",
                    () -> migrator.backfill(plan, new ProgressPrinter(out, v1Only)));
            long v1DuringBackfill = v1Traffic.stats().operations() - v1BeforeBackfill;
            out.println("    " + backfill);
            out.printf(Locale.ROOT, "    version 1 ran %,d operations during the backfill%n", v1DuringBackfill);
            PlanStatus backfilled = migrator.status(plan);
            printMayRun(out, backfilled);

            script.act("Version 2 starts, as Tandem now allows; each version reads the other's writes", () -> {
                crossCheck.enable();
                v2Traffic.startIfAllowed(backfilled);
                pause(settings.bothVersions());
            });
            out.println("    " + traffic.get() + "; " + brief(crossCheck.stats()));

            VerifyReport firstVerify = script.phase("Verify", () -> migrator.verify(plan));
            printVerify(out, firstVerify);
            printMayRun(out, migrator.status(plan));

            if (!firstVerify.contractable()) {
                script.act("Try to contract", () -> {
                    try {
                        migrator.contract(plan);
                        out.println("    contract ran although verify found problems: this should not happen");
                    } catch (PlanStateException e) {
                        out.println("    REFUSED, as it must be: " + e.getMessage());
                    }
                });
            }

            Traffic.Stats v1Final = script.phase("Version 1 retires: all traffic goes to version 2", () -> {
                crossCheck.disable();
                return v1Traffic.stop();
            });
            out.println("    " + describe(v1Final));

            VerifyReport verify = firstVerify;
            for (int round = 1; round <= 3 && !verify.contractable(); round++) {
                String suffix = round == 1 ? "" : " (round " + round + ")";
                script.act(
                        "The operator fixes the unmapped addresses with version 1's update" + suffix,
                        () -> fixUnmapped(v1, migrator, plan, out));
                out.printf(
                        Locale.ROOT,
                        "    %,d values still recorded as unmapped: a fix does not clear its record; the next verify"
                                + " (or contract, which verifies first) forgets the rows it finds consistent again%n",
                        migrator.status(plan).unmappedRows());
                verify = script.phase("Verify again: forgets the fixed rows" + suffix, () -> migrator.verify(plan));
                printVerify(out, verify);
            }
            printMayRun(out, migrator.status(plan));

            PlanStatus contracted = script.phase("Contract: drop address while version 2 keeps writing", () -> {
                return migrator.contract(plan);
            });
            out.println("    " + contracted);
            printMayRun(out, contracted);
            try {
                v1.get(1);
                out.println("    version 1 still reads address: contract did not drop it");
            } catch (DataAccessException e) {
                out.println("    version 1 cannot run any more, as intended: " + firstLine(e.getMessage()));
            }

            Traffic.Stats v2Final = script.phase("Version 2 alone", () -> {
                pause(settings.versionTwoAlone());
                return v2Traffic.stop();
            });
            out.println("    " + describe(v2Final));

            PlanState finalState = migrator.status(plan).state();
            Result result = new Result(
                    v1Final,
                    v2Final,
                    crossCheck.stats(),
                    finalState,
                    script.phases(),
                    v1DuringBackfill,
                    backfilled.state());
            printSummary(out, result);
            return result;
        } finally {
            // On failure too: no worker may outlive the story.
            crossCheck.disable();
            v1Traffic.stop();
            v2Traffic.stop();
        }
    }

    private static Traffic versionOneTraffic(AppV1 v1, AppV2 v2, CrossCheck crossCheck, int seeded, Settings settings) {
        AtomicLong created = new AtomicLong();
        return new Traffic(
                "v1",
                PlanStatus::oldVersionMayRun,
                settings.threadsPerVersion(),
                settings.opsPerSecond(),
                1,
                List.of(
                        new Traffic.Mix("create", 2, random -> {
                            long n = created.incrementAndGet();
                            boolean malformed = random.nextDouble() < settings.malformedShare();
                            Address address = AddressGenerator.wellFormed(random);
                            String line = malformed ? AddressGenerator.malformed(random) : address.toLine();
                            long id = v1.create("V1 Customer " + n, "v1-" + n + "@example.com", line);
                            if (!malformed) {
                                crossCheck.check(
                                        "v2 reads v1's customer " + id,
                                        address,
                                        () -> v2.get(id)
                                                .map(AppV2.Customer::address)
                                                .map(Object.class::cast)
                                                .orElse("(none)"));
                            }
                        }),
                        new Traffic.Mix("update address", 3, random -> {
                            String line = random.nextDouble() < settings.malformedShare()
                                    ? AddressGenerator.malformed(random)
                                    : AddressGenerator.wellFormed(random).toLine();
                            v1.updateAddress(1 + random.nextInt(seeded), line);
                        }),
                        new Traffic.Mix("update name", 1, random -> {
                            long id = 1L + random.nextInt(seeded);
                            v1.updateName(id, "Customer " + id + " (renamed by v1)");
                        }),
                        new Traffic.Mix("get", 3, random -> v1.get(1 + random.nextInt(seeded))),
                        new Traffic.Mix("list", 1, random -> v1.list(20))));
    }

    private static Traffic versionTwoTraffic(AppV1 v1, AppV2 v2, CrossCheck crossCheck, int seeded, Settings settings) {
        AtomicLong created = new AtomicLong();
        return new Traffic(
                "v2",
                PlanStatus::newVersionMayRun,
                settings.threadsPerVersion(),
                settings.opsPerSecond(),
                2,
                List.of(
                        new Traffic.Mix("create", 2, random -> {
                            long n = created.incrementAndGet();
                            Address address = AddressGenerator.wellFormed(random);
                            long id = v2.create("V2 Customer " + n, "v2-" + n + "@example.com", address);
                            crossCheck.check(
                                    "v1 reads v2's customer " + id,
                                    address.toLine(),
                                    () -> v1.get(id)
                                            .map(c -> String.valueOf(c.address()))
                                            .orElse("(none)"));
                        }),
                        new Traffic.Mix(
                                "update address",
                                3,
                                random -> v2.updateAddress(
                                        1 + random.nextInt(seeded), AddressGenerator.wellFormed(random))),
                        new Traffic.Mix("update name", 1, random -> {
                            long id = 1L + random.nextInt(seeded);
                            v2.updateName(id, "Customer " + id + " (renamed by v2)");
                        }),
                        new Traffic.Mix("get", 3, random -> v2.get(1 + random.nextInt(seeded))),
                        new Traffic.Mix("list", 1, random -> v2.list(20))));
    }

    /**
     * The operator's clean-up: reads each unmapped customer with version 1, repairs the address and writes it back
     * with version 1's update, only if nobody changed it meanwhile. The sync trigger then fills the new columns; the
     * record stays until the next {@code verify} (or {@code contract}, which verifies first) finds the row consistent
     * and forgets it.
     */
    private static void fixUnmapped(AppV1 v1, PostgresMigrator migrator, MigrationPlan plan, PrintStream out)
            throws SQLException {
        List<Long> ids = unmappedCustomerIds(migrator, plan);
        int fixed = 0;
        int changedMeanwhile = 0;
        int alreadyMappable = 0;
        List<String> unrepairable = new ArrayList<>();
        List<String> examples = new ArrayList<>();
        for (long id : ids) {
            Optional<AppV1.Customer> customer = v1.get(id);
            if (customer.isEmpty()) {
                continue;
            }
            String address = customer.get().address();
            if (address == null || AddressSplitPlan.isMappable(address)) {
                alreadyMappable++;
                continue;
            }
            Optional<String> repaired = AddressRepair.repair(address);
            if (repaired.isEmpty()) {
                unrepairable.add(id + ": " + visible(address));
                continue;
            }
            if (v1.replaceAddress(id, address, repaired.get())) {
                fixed++;
                if (examples.size() < 4) {
                    examples.add("customer " + id + ": '" + abbreviate(visible(address)) + "' -> '"
                            + abbreviate(repaired.get()) + "'");
                }
            } else {
                changedMeanwhile++;
            }
        }
        out.printf(
                Locale.ROOT,
                "    %,d unmapped customers: %,d fixed, %,d changed by a customer meanwhile, %,d already mappable, %,d"
                        + " not repairable%n",
                ids.size(),
                fixed,
                changedMeanwhile,
                alreadyMappable,
                unrepairable.size());
        examples.forEach(e -> out.println("      " + e));
        unrepairable.stream().limit(5).forEach(u -> out.println("      not repairable: " + abbreviate(u)));
    }

    /**
     * Every customer Tandem recorded as unmapped: {@link VerifyReport#unmappedSample()} holds at most 100, {@link
     * PostgresMigrator#unmapped} lists them all.
     */
    private static List<Long> unmappedCustomerIds(PostgresMigrator migrator, MigrationPlan plan) {
        return migrator.unmapped(plan, Integer.MAX_VALUE).stream()
                .map(u -> Long.parseLong(u.key().get(0)))
                .distinct()
                .sorted()
                .collect(Collectors.toList());
    }

    /** Prints which versions Tandem lets run now, as a deployment pipeline would check before it shifts traffic. */
    private static void printMayRun(PrintStream out, PlanStatus status) {
        out.println("    " + mayRun(status));
    }

    /**
     * {@return which versions the plan's status lets run, such as {@code Tandem says: version 1 may run, version 2 may
     * not yet (plan EXPANDED)}}
     *
     * @param status the plan's status
     */
    static String mayRun(PlanStatus status) {
        boolean one = status.oldVersionMayRun();
        boolean two = status.newVersionMayRun();
        String versions;
        if (one && two) {
            versions = "versions 1 and 2 may run";
        } else if (one) {
            versions = "version 1 may run, version 2 may not yet";
        } else if (two) {
            versions = "version 2 may run, version 1 may not any more";
        } else {
            versions = "no version may run";
        }
        return "Tandem says: " + versions + " (plan " + status.state() + ")";
    }

    private static void printVerify(PrintStream out, VerifyReport report) {
        out.printf(
                Locale.ROOT,
                "    %,d rows checked, %,d inconsistent, %,d unmapped -> %s%n",
                report.rowsChecked(),
                report.inconsistentRows(),
                report.unmappedRows(),
                report.contractable() ? "contract may run" : "contract must wait");
        for (String key : report.inconsistentSample()
                .subList(0, Math.min(5, report.inconsistentSample().size()))) {
            out.println("      inconsistent: " + key);
        }
        for (UnmappedRow u : report.unmappedSample()
                .subList(0, Math.min(6, report.unmappedSample().size()))) {
            out.println("      unmapped " + u.table() + " key " + u.key() + ": "
                    + (u.sqlState() == null ? "" : "SQLState " + u.sqlState() + ", ") + u.reason() + ": '"
                    + abbreviate(visible(u.value())) + "'");
        }
    }

    private static void printSummary(PrintStream out, Result result) {
        out.println();
        out.println("Summary");
        for (Phase p : result.phases()) {
            out.printf(Locale.ROOT, "  %-92s %8s%n", p.name(), seconds(p.duration()));
        }
        out.println("  " + describe(result.v1()));
        out.println("  " + describe(result.v2()));
        CrossCheck.Stats cc = result.crossChecks();
        out.printf(
                Locale.ROOT,
                "  cross-version reads after writes: %,d checks, %,d mismatches%n",
                cc.checks(),
                cc.mismatches());
        cc.samples().forEach(s -> out.println("    " + s));
        out.println("  final state: " + result.finalState());
    }

    private static String describe(Traffic.Stats s) {
        StringBuilder text = new StringBuilder()
                .append("version ")
                .append(s.version().substring(1))
                .append(": ")
                .append(String.format(Locale.ROOT, "%,d operations (", s.operations()));
        String sep = "";
        for (Map.Entry<String, Long> e : s.byOperation().entrySet()) {
            text.append(sep).append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%,d", e.getValue()));
            sep = ", ";
        }
        text.append(String.format(Locale.ROOT, "), %,d errors", s.errors()));
        for (String e : s.errorSamples()) {
            text.append("\n      error: ").append(e);
        }
        return text.toString();
    }

    private static String brief(Traffic.Stats s) {
        return String.format(Locale.ROOT, "%s %,d ops, %,d errors", s.version(), s.operations(), s.errors());
    }

    private static String brief(CrossCheck.Stats s) {
        return String.format(Locale.ROOT, "cross-version reads %,d, mismatches %,d", s.checks(), s.mismatches());
    }

    /** Makes the invisible characters of malformed addresses visible. */
    static String visible(String s) {
        return s.replace("\u00A0", "<NBSP>").replace("\t", "<TAB>").replace("\n", "<LF>");
    }

    private static String abbreviate(String s) {
        return s.length() <= 90 ? s : s.substring(0, 60) + "...(" + s.length() + " chars)";
    }

    private static String firstLine(@Nullable String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void pause(Duration d) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }

    /** Prints the backfill's progress at most once a second, and its last batch. */
    private static final class ProgressPrinter implements BackfillListener {
        private static final long INTERVAL = TimeUnit.SECONDS.toNanos(1);

        private final PrintStream out;
        private final Supplier<String> traffic;
        private long last = System.nanoTime();

        ProgressPrinter(PrintStream out, Supplier<String> traffic) {
            this.out = out;
            this.traffic = traffic;
        }

        @Override
        public void onProgress(BackfillProgress p) {
            long now = System.nanoTime();
            boolean done = p.remaining().map(Duration::isZero).orElse(false);
            if (now - last < INTERVAL && !done) {
                return;
            }
            last = now;
            out.printf(
                    Locale.ROOT,
                    "    %,9d of ~%,d rows  %,7.0f rows/s  ETA %s  batch %,d  | %s%n",
                    p.rowsDone(),
                    p.rowsEstimated(),
                    p.rowsPerSecond(),
                    p.remaining().map(Demo::seconds).orElse("?"),
                    p.batchSize(),
                    traffic.get());
        }
    }

    /** Numbers the phases, prints them as they start and records how long each took. */
    private static final class Script {
        private final PrintStream out;
        private final long start = System.nanoTime();
        private final List<Phase> phases = new ArrayList<>();

        Script(PrintStream out) {
            this.out = out;
        }

        @FunctionalInterface
        interface Step<T> {
            T run() throws SQLException;
        }

        <T> T phase(String title, Step<T> step) throws SQLException {
            String name = (phases.size() + 1) + ". " + title;
            out.printf(Locale.ROOT, "%n[%7s] %s%n", seconds(since(start)), name);
            long t0 = System.nanoTime();
            T result = step.run();
            Duration took = since(t0);
            phases.add(new Phase(name, took));
            out.println("    took " + seconds(took));
            return result;
        }

        @FunctionalInterface
        interface Action {
            void run() throws SQLException;
        }

        void act(String title, Action action) throws SQLException {
            phase(title, () -> {
                action.run();
                return Boolean.TRUE;
            });
        }

        List<Phase> phases() {
            return phases;
        }
    }
}
