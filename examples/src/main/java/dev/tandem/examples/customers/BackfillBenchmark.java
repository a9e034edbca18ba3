package dev.tandem.examples.customers;

import static dev.tandem.examples.customers.BenchmarkStats.median;
import static dev.tandem.examples.customers.BenchmarkStats.millis;
import static dev.tandem.examples.customers.BenchmarkStats.ratio;
import static dev.tandem.examples.customers.BenchmarkStats.times;
import static dev.tandem.examples.customers.BenchmarkStats.whole;
import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.PostgresOptions;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Tandem's backfill side by side with the other ways of filling new columns, on the same rows, in the same run: how
 * fast each is, how much WAL it writes, and what it does to an application that keeps running meanwhile.
 *
 * <p>Every method fills {@code street_address}, {@code city}, {@code state} and {@code zip_code} of the same
 * well-formed customers from {@code address}, with the expressions of {@link AddressSplitPlan#split()}
 * ({@code trim(split_part(address, ',', n))}); see {@link Method} for each. Per table size, in every round, each
 * method runs twice:
 *
 * <ul>
 *   <li><b>alone</b>: nothing else runs. Throughput (rows of the table per second of the timed part) and WAL (the
 *       difference of {@code pg_current_wal_lsn()} around it), reported as ratios to one {@code UPDATE}'s medians;
 *   <li><b>loaded</b>: while {@link AppLoad} runs its open-loop application load at a fixed rate (half point reads,
 *       half version 1 address updates of random customers, latency measured from each operation's scheduled
 *       start). The app's p50, p99 and maximum latency of the operations scheduled during the backfill are reported,
 *       and p99 divided by the p99 of a <b>baseline</b>: the same load, same duration as the round's median alone
 *       run, with no backfill. When the backfill ends the load stops scheduling but its queued operations finish and
 *       count (a single {@code UPDATE} blocks every update until it commits; those waits are the point).
 * </ul>
 *
 * <p>Every run starts from a fresh copy of the seeded table (vacuumed, analyzed, autovacuum off for it) and the
 * method's untimed preparation (the new columns, pgroll's trigger, or Tandem's expand), then a {@code CHECKPOINT}.
 * Rounds are interleaved and the order of the methods rotates each round, so that a slow minute of a shared machine
 * does not land on one method only; the tables show the <b>median of the rounds</b> for each figure. Besides: the
 * trigger overhead on application updates ({@link TriggerOverhead}, closed loop, interleaved the same way), and the
 * JVM heap used after a full GC at the end of each Tandem run.
 *
 * <p>The server is the benchmark's own embedded PostgreSQL ({@link BenchmarkServer}) with fixed settings: durability
 * on ({@code fsync}, {@code synchronous_commit} and {@code full_page_writes}), {@code shared_buffers} 1 GB, {@code
 * checkpoint_timeout} 30 min and {@code max_wal_size} 8 GB so that no checkpoint lands in a run. The output's header
 * prints every such setting as the server reports it, the PostgreSQL version and the machine (cores, JVM).
 *
 * <p><b>Caveats.</b> Read the ratios, not the absolute times: the client, the server and the load share one machine
 * (the reference machine has two cores, and is noisy: ±25–35% from run to run), the server is an embedded one with
 * a small {@code shared_buffers} next to production's, and this disk's {@code fsync} may be far faster or slower than
 * a production server's (small batches pay per commit). The pgroll method is pgroll's SQL template reproduced here,
 * not pgroll.
 *
 * <p>Run it from the repository root with {@code mvn -B -Pbenchmark -DskipTests package}. System properties:
 * {@value #ROWS_PROPERTY} (comma-separated sizes, default {@code 1000000,2000000}), {@value #ROUNDS_PROPERTY}
 * (default 3), {@value #TPS_PROPERTY} (the load's operations per second, default 200), {@value #CLIENTS_PROPERTY}
 * (its connections, default 4), {@value #TRIGGER_SECONDS_PROPERTY} (per trigger measurement, default 5), {@value
 * #WARMUP_SECONDS_PROPERTY} (load before each backfill, default 1) and {@value #OUTPUT_PROPERTY} (default {@code
 * target/benchmark}), where {@code results.md} and {@code latency.png} go.
 */
public final class BackfillBenchmark {
    private BackfillBenchmark() {}

    /** System property with the table sizes, comma-separated. */
    static final String ROWS_PROPERTY = "tandem.benchmark.rows";
    /** System property with the number of rounds. */
    static final String ROUNDS_PROPERTY = "tandem.benchmark.rounds";
    /** System property with the application load's operations per second. */
    static final String TPS_PROPERTY = "tandem.benchmark.tps";
    /** System property with the application load's connections (and the trigger measurement's clients). */
    static final String CLIENTS_PROPERTY = "tandem.benchmark.clients";
    /** System property with the seconds of each trigger measurement. */
    static final String TRIGGER_SECONDS_PROPERTY = "tandem.benchmark.triggerSeconds";
    /** System property with the seconds the load runs before each backfill starts. */
    static final String WARMUP_SECONDS_PROPERTY = "tandem.benchmark.warmupSeconds";
    /** System property with the directory of {@code results.md} and {@code latency.png}. */
    static final String OUTPUT_PROPERTY = "tandem.benchmark.output";

    /** Rows per batch of the key-range loop. */
    static final int KEY_RANGE_ROWS = 10_000;
    /** Rows per batch of pgroll's template: pgroll's default {@code --backfill-batch-size}. */
    static final int PGROLL_BATCH_ROWS = 1_000;

    /** pgroll's marker column, {@code DEFAULT true}: the rows its backfill still has to touch. */
    private static final String PGROLL_FLAG = "_pgroll_needs_backfill";

    /** The ways of filling the new columns. */
    enum Method {
        /**
         * The tutorial's way: one statement in one transaction, {@code UPDATE customers SET (street_address, city,
         * state, zip_code) = (...)}, on the table to which the four columns were just added. The ceiling for
         * throughput; it keeps every row it passed locked until it commits, so every application update waits.
         */
        SINGLE_UPDATE("one UPDATE", false),
        /**
         * A hand-written loop: {@code UPDATE ... WHERE id > lo AND id <= hi} over 10,000-key ranges of the primary
         * key, each its own autocommit transaction. What an expert writes by hand; no trigger, so application writes
         * meanwhile are not carried over (this is not zero-downtime, only batched).
         */
        KEY_RANGE_LOOP("key-range loop, 10k", false),
        /**
         * pgroll's backfill, <b>reproduced in SQL</b> from its source ({@code pkg/backfill/templates/sql.go},
         * {@code function.go}), not pgroll itself: a {@code _pgroll_needs_backfill boolean DEFAULT true} column, a
         * PL/pgSQL {@code BEFORE INSERT OR UPDATE ... FOR EACH ROW} trigger that declares a variable per old column,
         * compares {@code search_path} with the "latest schema", computes the four columns and clears the flag; and
         * batches of 1,000 rows of pgroll's keyset template ({@code WITH batch AS (SELECT id ... WHERE flag AND id >
         * 'last' ORDER BY id LIMIT 1000 FOR NO KEY UPDATE), update AS (UPDATE ... SET id = id FROM batch ...
         * RETURNING id) SELECT LAST_VALUE(id) OVER () FROM update}), each its own transaction, {@code lock_timeout}
         * 500 ms. pgroll would install one trigger per added column; one trigger for all four is, if anything,
         * kinder to it.
         */
        PGROLL_TEMPLATE("pgroll template, 1k (reproduced)", true),
        /**
         * Tandem at {@link PostgresOptions#defaults()}: the same split as the methods above compute (without the
         * plan's {@code mappableWhen} check, so that the comparison is like for like). Expand is not timed; only
         * {@link PostgresMigrator#backfill(MigrationPlan)} is: key-range batches sized so that none keeps its rows
         * locked longer than 50 ms, the saved cursor, the sync trigger's {@code WHEN} clause.
         */
        TANDEM("Tandem", true),
        /**
         * {@link #TANDEM} with {@link PostgresOptions#withMaxLockHold(Duration) withMaxLockHold(300 ms)}: batches of
         * about 200 ms (the former default), to show the trade-off between throughput and application latency.
         */
        TANDEM_LONG("Tandem, 300 ms lock hold", true),
        /**
         * {@link AddressSplitPlan#plan()} as the demo runs it, with its {@code mappableWhen} check of every address
         * (four {@code split_part}s and two regular expressions per row) and the recording of unmapped rows.
         */
        TANDEM_CHECKED("Tandem + mappableWhen", true);

        final String label;
        /** Whether a trigger carries the application's writes over to the new columns during and after the run. */
        final boolean keepsInSync;

        Method(String label, boolean keepsInSync) {
            this.label = label;
            this.keepsInSync = keepsInSync;
        }

        boolean isTandem() {
            return this == TANDEM || this == TANDEM_LONG || this == TANDEM_CHECKED;
        }
    }

    /**
     * What to run.
     *
     * @param sizes rows per table size, each at least 1; each size gets its own full set of rounds
     * @param rounds rounds per size, at least 1
     * @param tps the application load's operations per second, at least 1
     * @param clients the application load's connections, at least 1
     * @param triggerMeasurement how long each trigger measurement counts
     * @param warmup how long the load runs before a backfill starts
     * @param output where {@code results.md} and {@code latency.png} go
     */
    record Config(
            List<Integer> sizes,
            int rounds,
            int tps,
            int clients,
            Duration triggerMeasurement,
            Duration warmup,
            Path output) {
        Config {
            sizes = List.copyOf(sizes);
            requireNonNull(triggerMeasurement, "triggerMeasurement");
            requireNonNull(warmup, "warmup");
            requireNonNull(output, "output");
            if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 1)) {
                throw new IllegalArgumentException("sizes must be one or more row counts >= 1 but were " + sizes);
            }
            if (rounds < 1 || tps < 1 || clients < 1) {
                throw new IllegalArgumentException(
                        "rounds (" + rounds + "), tps (" + tps + ") and clients (" + clients + ") must be >= 1");
            }
            if (triggerMeasurement.isZero() || triggerMeasurement.isNegative() || warmup.isNegative()) {
                throw new IllegalArgumentException("the trigger measurement (" + triggerMeasurement
                        + ") must be positive and the warm-up (" + warmup + ") not negative");
            }
        }

        /**
         * {@return the configuration the system properties give; unset ones keep their defaults}
         *
         * @param p the properties, such as {@link System#getProperties()}
         * @throws IllegalArgumentException if a property has a value that cannot be used; the message names it
         */
        static Config fromProperties(Properties p) {
            List<Integer> sizes = new ArrayList<>();
            for (String part : p.getProperty(ROWS_PROPERTY, "1000000,2000000").split(",", -1)) {
                sizes.add((int) parse(ROWS_PROPERTY, part.replace("_", ""), 1));
            }
            return new Config(
                    sizes,
                    (int) parse(ROUNDS_PROPERTY, p.getProperty(ROUNDS_PROPERTY, "3"), 1),
                    (int) parse(TPS_PROPERTY, p.getProperty(TPS_PROPERTY, "200"), 1),
                    (int) parse(CLIENTS_PROPERTY, p.getProperty(CLIENTS_PROPERTY, "4"), 1),
                    seconds(TRIGGER_SECONDS_PROPERTY, p.getProperty(TRIGGER_SECONDS_PROPERTY, "5")),
                    seconds(WARMUP_SECONDS_PROPERTY, p.getProperty(WARMUP_SECONDS_PROPERTY, "1")),
                    Path.of(p.getProperty(OUTPUT_PROPERTY, "target/benchmark")));
        }

        private static long parse(String property, String value, long min) {
            try {
                long n = Long.parseLong(value.trim());
                if (n >= min && n <= Integer.MAX_VALUE) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(
                    "System property " + property + " must be a whole number >= " + min + " but was '" + value + "'");
        }

        private static Duration seconds(String property, String value) {
            try {
                double s = Double.parseDouble(value.trim());
                if (s >= 0 && s <= 3_600) {
                    return Duration.ofNanos(Math.round(s * 1e9));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(
                    "System property " + property + " must be seconds between 0 and 3600 but was '" + value + "'");
        }
    }

    /**
     * A run without the application load.
     *
     * @param round the round, from 1
     * @param method what ran
     * @param rows rows in the table
     * @param duration how long the timed part took
     * @param walBytes WAL written meanwhile
     * @param batches transactions (batches) it took
     */
    record AloneRun(int round, Method method, long rows, Duration duration, long walBytes, long batches) {
        double rowsPerSecond() {
            return rows / (duration.toNanos() / 1e9);
        }
    }

    /**
     * Latency of the operations scheduled in a window.
     *
     * @param operations how many
     * @param errors how many of them threw
     * @param p50 median latency, ms
     * @param p99 99th percentile, ms
     * @param max the slowest, ms
     */
    record LatencyStats(int operations, int errors, double p50, double p99, double max) {
        /**
         * {@return the latency of the samples scheduled from {@code fromNanos} to {@code toNanos}, inclusive}
         *
         * @param samples the load's operations
         * @param fromNanos the window's start, in nanoseconds since the load's start
         * @param toNanos the window's end
         */
        static LatencyStats of(List<AppLoad.Sample> samples, long fromNanos, long toNanos) {
            long[] latencies = samples.stream()
                    .filter(s -> s.scheduledNanos() >= fromNanos && s.scheduledNanos() <= toNanos)
                    .mapToLong(AppLoad.Sample::latencyNanos)
                    .toArray();
            int errors = (int) samples.stream()
                    .filter(s -> s.scheduledNanos() >= fromNanos && s.scheduledNanos() <= toNanos && s.failed())
                    .count();
            return new LatencyStats(
                    latencies.length,
                    errors,
                    BenchmarkStats.percentile(latencies, 0.50) / 1e6,
                    BenchmarkStats.percentile(latencies, 0.99) / 1e6,
                    BenchmarkStats.percentile(latencies, 1.0) / 1e6);
        }
    }

    /**
     * A run under the application load, or the baseline (the load alone).
     *
     * @param round the round, from 1
     * @param label what ran
     * @param fromNanos the backfill's start, nanoseconds since the load's start
     * @param toNanos the backfill's end
     * @param latency the operations scheduled from {@code fromNanos} to {@code toNanos}
     * @param samples every operation of the run, warm-up included
     */
    record LoadedRun(
            int round, String label, long fromNanos, long toNanos, LatencyStats latency, List<AppLoad.Sample> samples) {
        LoadedRun {
            samples = List.copyOf(samples);
        }
    }

    /**
     * Every run of one table size.
     *
     * @param rows rows in the table
     * @param rounds rounds run
     * @param alone the runs without load
     * @param loaded the runs under load, by method
     * @param baseline the load alone, one per round
     */
    record SizeResult(
            int rows, int rounds, List<AloneRun> alone, Map<Method, List<LoadedRun>> loaded, List<LoadedRun> baseline) {
        SizeResult {
            alone = List.copyOf(alone);
            Map<Method, List<LoadedRun>> copy = new EnumMap<>(Method.class);
            loaded.forEach((m, runs) -> copy.put(m, List.copyOf(runs)));
            loaded = Collections.unmodifiableMap(copy);
            baseline = List.copyOf(baseline);
        }

        double median(Method method, Function<AloneRun, Double> metric) {
            return BenchmarkStats.median(
                    alone.stream().filter(r -> r.method() == method).map(metric).toList());
        }

        double medianLatency(@Nullable Method method, Function<LatencyStats, Double> metric) {
            List<LoadedRun> runs = method == null ? baseline : loaded.getOrDefault(method, List.of());
            return BenchmarkStats.median(
                    runs.stream().map(r -> metric.apply(r.latency())).toList());
        }

        /** {@return the median rows/s of {@code method} divided by the median of one UPDATE} */
        double throughputRatio(Method method) {
            return ratio(
                    median(method, AloneRun::rowsPerSecond), median(Method.SINGLE_UPDATE, AloneRun::rowsPerSecond));
        }

        /** {@return the median WAL of {@code method} divided by the median of one UPDATE} */
        double walRatio(Method method) {
            return ratio(median(method, r -> (double) r.walBytes()), median(Method.SINGLE_UPDATE, r ->
                    (double) r.walBytes()));
        }

        /** {@return the median app p99 during {@code method} divided by the baseline's median p99} */
        double p99Ratio(Method method) {
            return ratio(medianLatency(method, LatencyStats::p99), medianLatency(null, LatencyStats::p99));
        }

        /** {@return this size's table: a row per method, and the baseline's first} */
        MarkdownTable table() {
            MarkdownTable table = MarkdownTable.of(
                    "method",
                    "rows/s ÷ one UPDATE",
                    "rows/s",
                    "app p50 ms",
                    "app p99 ms",
                    "app max ms",
                    "p99 ÷ baseline",
                    "WAL ÷ one UPDATE",
                    "WAL MB",
                    "batches",
                    "app ops (errors)");
            table = table.withRow(
                    "baseline: the load, no backfill",
                    "",
                    "",
                    millis(medianLatency(null, LatencyStats::p50)),
                    millis(medianLatency(null, LatencyStats::p99)),
                    millis(medianLatency(null, LatencyStats::max)),
                    times(1.0),
                    "",
                    "",
                    "",
                    ops(baseline));
            for (Method m : Method.values()) {
                table = table.withRow(
                        m.label,
                        times(throughputRatio(m)),
                        whole(median(m, AloneRun::rowsPerSecond)),
                        millis(medianLatency(m, LatencyStats::p50)),
                        millis(medianLatency(m, LatencyStats::p99)),
                        millis(medianLatency(m, LatencyStats::max)),
                        times(p99Ratio(m)),
                        times(walRatio(m)),
                        whole(median(m, r -> r.walBytes() / 1e6)),
                        whole(median(m, r -> (double) r.batches())),
                        ops(loaded.getOrDefault(m, List.of())));
            }
            return table;
        }

        private static String ops(List<LoadedRun> runs) {
            double ops = BenchmarkStats.median(
                    runs.stream().map(r -> (double) r.latency().operations()).toList());
            int errors = runs.stream().mapToInt(r -> r.latency().errors()).sum();
            return whole(ops) + " (" + errors + ")";
        }
    }

    /**
     * One trigger measurement.
     *
     * @param round the round, from 1
     * @param variant the table's trigger
     * @param update the application's update
     * @param tps updates per second
     */
    record TriggerRun(int round, TriggerOverhead.Variant variant, TriggerOverhead.Update update, double tps) {}

    /**
     * The trigger measurements.
     *
     * @param rows rows in the table
     * @param runs every measurement
     */
    record TriggerResult(int rows, List<TriggerRun> runs) {
        TriggerResult {
            runs = List.copyOf(runs);
        }

        double median(TriggerOverhead.Variant variant, TriggerOverhead.Update update) {
            return BenchmarkStats.median(runs.stream()
                    .filter(r -> r.variant() == variant && r.update() == update)
                    .map(TriggerRun::tps)
                    .toList());
        }

        /** {@return a row per update: the tps without a trigger and the others' ratios to it} */
        MarkdownTable table() {
            MarkdownTable table = MarkdownTable.of(
                    "application update",
                    "no trigger, updates/s",
                    "minimal trigger ÷ none",
                    "Tandem's sync trigger ÷ none");
            for (TriggerOverhead.Update u : TriggerOverhead.Update.values()) {
                double none = median(TriggerOverhead.Variant.NONE, u);
                table = table.withRow(
                        u + ": `" + u.sql + "`",
                        whole(none),
                        times(ratio(median(TriggerOverhead.Variant.MINIMAL, u), none)),
                        times(ratio(median(TriggerOverhead.Variant.TANDEM, u), none)));
            }
            return table;
        }
    }

    /**
     * The benchmark's result.
     *
     * @param header the setup: server, settings, machine, load
     * @param sizes a result per table size
     * @param triggers the trigger measurements
     * @param maxHeapBytes the most JVM heap used after a full GC at the end of a Tandem run
     * @param charts the charts written
     */
    record Report(String header, List<SizeResult> sizes, TriggerResult triggers, long maxHeapBytes, List<Path> charts) {
        Report {
            requireNonNull(header, "header");
            sizes = List.copyOf(sizes);
            requireNonNull(triggers, "triggers");
            charts = List.copyOf(charts);
        }

        /** {@return the whole report as Markdown} */
        String markdown() {
            StringBuilder out = new StringBuilder(header);
            for (SizeResult size : sizes) {
                out.append(String.format(
                        Locale.ROOT, "%n## %,d rows: median of %s%n%n", size.rows(), rounds(size.rounds())));
                out.append(size.table().render());
            }
            out.append(String.format(
                    Locale.ROOT,
                    "%n## Trigger overhead on application updates (%,d rows; closed loop, median of rounds)%n%n",
                    triggers.rows()));
            out.append(triggers.table().render());
            out.append(String.format(
                    Locale.ROOT,
                    "%nJVM heap used after a full GC at the end of a Tandem run: at most %.1f MB (max heap %,d MB).%n",
                    maxHeapBytes / 1e6,
                    Runtime.getRuntime().maxMemory() / 1_000_000));
            if (!charts.isEmpty()) {
                out.append("\nApplication latency over time, loaded runs of the last round: ")
                        .append(charts.stream()
                                .map(p -> "`" + p.getFileName() + "`")
                                .collect(Collectors.joining(", ")))
                        .append(".\n");
            }
            out.append(CAVEATS);
            return out.toString();
        }
    }

    private static final String CAVEATS = "\nHow to read this: ratios within one run are the result, absolute figures"
            + " only describe this machine. Client, server and load share its cores, the server is an embedded"
            + " PostgreSQL with the settings above, and the order of the methods rotates between rounds because"
            + " a shared machine is noisy. \"rows/s\" and \"WAL\" come from the runs without load; the app latency"
            + " columns from the runs under load (operations scheduled while the backfill ran, latency from each"
            + " one's scheduled start). The pgroll method is pgroll's SQL template and trigger reproduced in SQL,"
            + " not pgroll itself. The one UPDATE and the key-range loop have no trigger, so they do not carry"
            + " the application's writes over: they are batching baselines, not zero-downtime migrations.\n";

    /**
     * Starts embedded PostgreSQL, runs the benchmark with the system properties' configuration and exits with 0, or
     * 1 if it failed.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        PrintStream out = System.out;
        boolean ok = false;
        try {
            run(Config.fromProperties(System.getProperties()), out);
            ok = true;
        } catch (SQLException | IOException | RuntimeException e) {
            out.println("The benchmark failed:");
            e.printStackTrace(out);
        }
        out.flush();
        System.exit(ok ? 0 : 1);
    }

    /**
     * Starts a private PostgreSQL server (the one the test kit's settings select), fixes its settings, runs every
     * size and writes {@code results.md} and the charts to {@link Config#output()}.
     *
     * @param config what to run
     * @param out where progress and the tables are printed
     * @return the result
     * @throws SQLException if the database fails
     * @throws IOException if the results cannot be written
     */
    static Report run(Config config, PrintStream out) throws SQLException, IOException {
        try (BenchmarkServer server = BenchmarkServer.start()) {
            HikariDataSource control = server.pool(3, "benchmark");
            List<ServerSetting> settings = server.settings(control);
            String header = header(server, settings, config);
            out.print(header);
            out.flush();
            Bench bench = new Bench(control, server.pool(config.clients(), "benchmark-app"), config, out);
            List<SizeResult> sizes = new ArrayList<>();
            TriggerResult triggers = null;
            for (int rows : config.sizes()) {
                bench.seed(rows);
                sizes.add(bench.size(rows));
                if (triggers == null) {
                    triggers = bench.triggers(rows);
                }
            }
            Files.createDirectories(config.output());
            List<Path> charts = new ArrayList<>();
            for (SizeResult size : sizes) {
                Path chart = config.output().resolve("latency-" + size.rows() + ".png");
                LatencyChart.write(chart, chartTitle(size), chartSeries(size));
                charts.add(chart);
            }
            Path latest = config.output().resolve("latency.png");
            Files.copy(charts.get(charts.size() - 1), latest, StandardCopyOption.REPLACE_EXISTING);
            charts.add(0, latest);
            Report report = new Report(header, sizes, requireNonNull(triggers), bench.maxHeapBytes, charts);
            String markdown = report.markdown();
            Path results = config.output().resolve("results.md");
            Files.writeString(results, markdown, StandardCharsets.UTF_8);
            out.print(markdown.substring(header.length()));
            out.printf(Locale.ROOT, "%nWrote %s and %s%n", results.toAbsolutePath(), latest.toAbsolutePath());
            out.flush();
            return report;
        }
    }

    private static String chartTitle(SizeResult size) {
        return String.format(
                Locale.ROOT,
                "Application latency during each backfill, %,d rows (round %d of %d)",
                size.rows(),
                size.rounds(),
                size.rounds());
    }

    /** The loaded runs of the last round: the baseline first, then each method in its colour. */
    static List<LatencyChart.Series> chartSeries(SizeResult size) {
        List<LatencyChart.Series> series = new ArrayList<>();
        int last = size.rounds();
        for (LoadedRun run : size.baseline()) {
            if (run.round() == last) {
                series.add(series(run, "baseline (no backfill)", LatencyChart.PALETTE.get(7)));
            }
        }
        List<Method> methods = List.of(Method.values());
        for (int i = 0; i < methods.size(); i++) {
            Method m = methods.get(i);
            for (LoadedRun run : size.loaded().getOrDefault(m, List.of())) {
                if (run.round() == last) {
                    series.add(series(run, m.label, LatencyChart.PALETTE.get(i)));
                }
            }
        }
        return series;
    }

    private static LatencyChart.Series series(LoadedRun run, String label, Color color) {
        double[] x = run.samples().stream()
                .mapToDouble(s -> s.scheduledNanos() / 1e9)
                .toArray();
        double[] y =
                run.samples().stream().mapToDouble(s -> s.latencyNanos() / 1e6).toArray();
        return new LatencyChart.Series(label, color, x, y, run.fromNanos() / 1e9, run.toNanos() / 1e9);
    }

    private static String header(BenchmarkServer server, List<ServerSetting> settings, Config config) {
        StringBuilder out = new StringBuilder("# Backfill benchmark\n\n");
        Runtime rt = Runtime.getRuntime();
        out.append(String.format(
                Locale.ROOT,
                "- Server: %s.%n- Machine: %d cores, %s %s; %s %s, max heap %,d MB.%n",
                server.description(),
                rt.availableProcessors(),
                System.getProperty("os.name", "?"),
                System.getProperty("os.arch", "?"),
                System.getProperty("java.vm.name", "?"),
                System.getProperty("java.runtime.version", System.getProperty("java.version", "?")),
                rt.maxMemory() / 1_000_000));
        out.append(String.format(
                Locale.ROOT,
                "- Sizes %s rows, %s each, method order rotating; application load %d operations/s (open loop,"
                        + " %d connections, half point reads, half address updates), %.1f s before each backfill;"
                        + " trigger overhead %.1f s per measurement.%n%n",
                config.sizes().stream()
                        .map(n -> String.format(Locale.ROOT, "%,d", n))
                        .collect(Collectors.joining(" and ")),
                rounds(config.rounds()),
                config.tps(),
                config.clients(),
                config.warmup().toNanos() / 1e9,
                config.triggerMeasurement().toNanos() / 1e9));
        MarkdownTable table = MarkdownTable.of("server setting", "value", "how");
        for (ServerSetting s : settings) {
            table = table.withRow(s.name(), s.value(), s.how());
        }
        out.append(table.render());
        return out.toString();
    }

    /**
     * A server setting as the benchmark ran with it.
     *
     * @param name the setting
     * @param value its value
     * @param how how it got that value
     */
    record ServerSetting(String name, String value, String how) {}

    /** Runs the methods on one database; single-threaded apart from the load. */
    private static final class Bench {
        private final DataSource control;
        private final DataSource app;
        private final Config config;
        private final PrintStream out;
        private final DeriveColumns split = AddressSplitPlan.split();
        private final MigrationPlan unchecked = withoutCheck(split);
        private final MigrationPlan checked = AddressSplitPlan.plan();
        private final PostgresMigrator tandem;
        private final PostgresMigrator tandemLong;
        long maxHeapBytes;

        Bench(DataSource control, DataSource app, Config config, PrintStream out) {
            this.control = control;
            this.app = app;
            this.config = config;
            this.out = out;
            this.tandem = PostgresMigrator.create(control, PostgresOptions.defaults());
            this.tandemLong = PostgresMigrator.create(
                    control, PostgresOptions.defaults().withMaxLockHold(Duration.ofMillis(300)));
        }

        /** Seeds {@code customers_seed}, the rows every run copies. */
        void seed(int rows) throws SQLException {
            long t0 = System.nanoTime();
            exec("DROP TABLE IF EXISTS customers");
            exec("DROP TABLE IF EXISTS customers_seed");
            exec("DROP SCHEMA IF EXISTS tandem CASCADE");
            CustomersSchema.create(control);
            CustomersSchema.seed(control, CustomersSchema.Seed.wellFormed(rows));
            exec("CREATE TABLE customers_seed AS TABLE customers");
            exec("ALTER TABLE customers_seed SET (autovacuum_enabled = false)");
            out.printf(
                    Locale.ROOT,
                    "%nSeeded %,d customers with well-formed addresses in %s%n",
                    rows,
                    Demo.seconds(Duration.ofNanos(System.nanoTime() - t0)));
        }

        SizeResult size(int rows) throws SQLException {
            List<AloneRun> alone = new ArrayList<>();
            Map<Method, List<LoadedRun>> loaded = new EnumMap<>(Method.class);
            List<LoadedRun> baseline = new ArrayList<>();
            for (int round = 1; round <= config.rounds(); round++) {
                List<Method> order = rotate(List.of(Method.values()), round - 1);
                List<Double> seconds = new ArrayList<>();
                for (Method m : order) {
                    AloneRun run = alone(m, round, rows);
                    alone.add(run);
                    seconds.add(run.duration().toNanos() / 1e9);
                    out.printf(
                            Locale.ROOT,
                            "  %,d rows  round %d  alone   %-34s %8s %,12.0f rows/s  WAL %,6.0f MB  batches: %,d%n",
                            rows,
                            round,
                            m.label,
                            Demo.seconds(run.duration()),
                            run.rowsPerSecond(),
                            run.walBytes() / 1e6,
                            run.batches());
                }
                Duration baselineLength =
                        Duration.ofNanos(Math.round(Math.max(1, Math.min(120, median(seconds))) * 1e9));
                List<@Nullable Method> loadedOrder = new ArrayList<>(order);
                if (round % 2 == 1) {
                    loadedOrder.add(0, null);
                } else {
                    loadedOrder.add(null);
                }
                for (@Nullable Method m : loadedOrder) {
                    LoadedRun run = loaded(m, round, rows, baselineLength);
                    if (m == null) {
                        baseline.add(run);
                    } else {
                        loaded.computeIfAbsent(m, k -> new ArrayList<>()).add(run);
                    }
                    LatencyStats l = run.latency();
                    out.printf(
                            Locale.ROOT,
                            "  %,d rows  round %d  loaded  %-34s %8s  app p50 %s  p99 %s  max %s ms  %,d ops"
                                    + " (%d errors)%n",
                            rows,
                            round,
                            run.label(),
                            Demo.seconds(Duration.ofNanos(run.toNanos() - run.fromNanos())),
                            millis(l.p50()),
                            millis(l.p99()),
                            millis(l.max()),
                            l.operations(),
                            l.errors());
                }
            }
            return new SizeResult(rows, config.rounds(), alone, loaded, baseline);
        }

        TriggerResult triggers(int rows) throws SQLException {
            List<TriggerRun> runs = new ArrayList<>();
            Duration warmup = Duration.ofNanos(Math.min(
                    TimeUnit.SECONDS.toNanos(1), config.triggerMeasurement().toNanos() / 4));
            for (int round = 1; round <= config.rounds(); round++) {
                for (TriggerOverhead.Variant v : rotate(List.of(TriggerOverhead.Variant.values()), round - 1)) {
                    freshCopy();
                    switch (v) {
                        case NONE -> addColumns();
                        case MINIMAL -> {
                            addColumns();
                            minimalTrigger();
                        }
                        case TANDEM -> expand(tandem, unchecked);
                    }
                    exec("CHECKPOINT");
                    List<TriggerOverhead.Update> updates = List.of(TriggerOverhead.Update.values());
                    for (TriggerOverhead.Update u : round % 2 == 1 ? updates : rotate(updates, 1)) {
                        double tps = TriggerOverhead.updatesPerSecond(
                                app, config.clients(), warmup, config.triggerMeasurement(), u, rows, 7L * round);
                        runs.add(new TriggerRun(round, v, u, tps));
                        out.printf(
                                Locale.ROOT,
                                "  trigger overhead  round %d  %-22s %-8s %,10.0f updates/s%n",
                                round,
                                v.label,
                                u,
                                tps);
                    }
                }
            }
            return new TriggerResult(rows, runs);
        }

        private AloneRun alone(Method m, int round, int rows) throws SQLException {
            prepare(m);
            exec("CHECKPOINT");
            String lsn = string("SELECT pg_current_wal_lsn()::text");
            long t0 = System.nanoTime();
            long batches = execute(m);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            long wal = walSince(lsn);
            if (m.isTandem()) {
                measureHeap();
            }
            check(m, rows, true);
            return new AloneRun(round, m, rows, took, wal, batches);
        }

        /** A run under load; {@code m} null is the baseline, which runs the load alone for {@code length}. */
        private LoadedRun loaded(@Nullable Method m, int round, int rows, Duration length) throws SQLException {
            prepare(m == null ? Method.SINGLE_UPDATE : m);
            exec("CHECKPOINT");
            long from;
            long to;
            List<AppLoad.Sample> samples;
            String failure;
            try (AppLoad load = new AppLoad(app, config.tps(), config.clients(), rows, 1_000L + round)) {
                load.start();
                long start = load.startNanos();
                sleepUntil(start + config.warmup().toNanos());
                from = System.nanoTime() - start;
                if (m == null) {
                    sleepUntil(start + from + length.toNanos());
                } else {
                    execute(m);
                }
                to = System.nanoTime() - start;
                samples = load.stop();
                failure = load.firstFailure();
            }
            if (m != null) {
                if (m.isTandem()) {
                    measureHeap();
                }
                check(m, rows, m.keepsInSync);
            }
            LatencyStats latency = LatencyStats.of(samples, from, to);
            if (latency.errors() > 0) {
                out.println("    first application error: " + failure);
            }
            return new LoadedRun(round, m == null ? "baseline (no backfill)" : m.label, from, to, latency, samples);
        }

        /** The untimed part: a fresh table, then what the method needs before it starts. */
        private void prepare(Method m) throws SQLException {
            freshCopy();
            switch (m) {
                case SINGLE_UPDATE, KEY_RANGE_LOOP -> addColumns();
                case PGROLL_TEMPLATE -> {
                    addColumns();
                    pgrollTrigger();
                }
                case TANDEM, TANDEM_LONG -> expand(m == Method.TANDEM ? tandem : tandemLong, unchecked);
                case TANDEM_CHECKED -> expand(tandem, checked);
            }
        }

        /** The timed part; {@return the batches (transactions) it took} */
        private long execute(Method m) throws SQLException {
            return switch (m) {
                case SINGLE_UPDATE -> singleUpdate();
                case KEY_RANGE_LOOP -> keyRangeLoop();
                case PGROLL_TEMPLATE -> pgrollTemplate();
                case TANDEM -> backfill(tandem, unchecked);
                case TANDEM_LONG -> backfill(tandemLong, unchecked);
                case TANDEM_CHECKED -> backfill(tandem, checked);
            };
        }

        private long singleUpdate() throws SQLException {
            try (Connection c = control.getConnection();
                    Statement s = c.createStatement()) {
                s.executeLargeUpdate("UPDATE customers SET " + setClause());
            }
            return 1;
        }

        private long keyRangeLoop() throws SQLException {
            long batches = 0;
            try (Connection c = control.getConnection();
                    PreparedStatement ps =
                            c.prepareStatement("UPDATE customers SET " + setClause() + " WHERE id > ? AND id <= ?")) {
                long[] range = range(c);
                for (long lo = range[0] - 1; lo < range[1]; lo += KEY_RANGE_ROWS) {
                    ps.setLong(1, lo);
                    ps.setLong(2, lo + KEY_RANGE_ROWS);
                    ps.executeUpdate();
                    batches++;
                }
            }
            return batches;
        }

        private long pgrollTemplate() throws SQLException {
            long batches = 0;
            try (Connection c = control.getConnection()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET lock_timeout = '500ms'");
                }
                c.setAutoCommit(false);
                try {
                    @Nullable String last = null;
                    while (true) {
                        long rows = 0;
                        @Nullable String lastValue = null;
                        try (Statement s = c.createStatement();
                                ResultSet rs = s.executeQuery(pgrollBatch(last))) {
                            while (rs.next()) {
                                if (lastValue == null) {
                                    lastValue = rs.getString(1);
                                }
                                rows++;
                            }
                        }
                        c.commit();
                        if (rows == 0 || lastValue == null) {
                            break;
                        }
                        batches++;
                        last = lastValue;
                    }
                } finally {
                    c.rollback();
                    c.setAutoCommit(true);
                    try (Statement s = c.createStatement()) {
                        s.execute("RESET lock_timeout");
                    }
                }
            }
            return batches;
        }

        private long backfill(PostgresMigrator migrator, MigrationPlan plan) {
            BackfillReport report = migrator.backfill(plan);
            return report.batches();
        }

        private void expand(PostgresMigrator migrator, MigrationPlan plan) throws SQLException {
            exec("DROP SCHEMA IF EXISTS tandem CASCADE");
            migrator.expand(plan);
        }

        private void addColumns() throws SQLException {
            exec("ALTER TABLE customers "
                    + split.targets().stream()
                            .map(t -> "ADD COLUMN " + t.column().quoted() + " "
                                    + t.type().sql())
                            .collect(Collectors.joining(", ")));
        }

        /** pgroll's marker column and a trigger shaped like pgroll's {@code templates/function.go}. */
        private void pgrollTrigger() throws SQLException {
            exec("ALTER TABLE customers ADD COLUMN " + PGROLL_FLAG + " boolean DEFAULT true");
            StringBuilder fn = new StringBuilder("CREATE OR REPLACE FUNCTION bench_pgroll_trigger()"
                    + " RETURNS TRIGGER LANGUAGE PLPGSQL AS $$\nDECLARE\n");
            for (String col : List.of("id", "name", "email", "address", "created_at", "updated_at")) {
                fn.append("  \"")
                        .append(col)
                        .append("\" \"public\".\"customers\".\"")
                        .append(col)
                        .append("\"%TYPE := NEW.\"")
                        .append(col)
                        .append("\";\n");
            }
            fn.append("""
                      latest_schema text;
                      search_path text;
                    BEGIN
                      SELECT current_setting INTO search_path FROM current_setting('search_path');
                      IF search_path != 'public_02_split_address' THEN
                    """);
            for (DeriveColumns.Target t : split.targets()) {
                fn.append("    NEW.")
                        .append(t.column().quoted())
                        .append(" = ")
                        .append(t.forward().sql())
                        .append(";\n");
            }
            fn.append("    NEW.\"" + PGROLL_FLAG + "\" = false;\n  END IF;\n  RETURN NEW;\nEND; $$");
            exec(fn.toString());
            exec("CREATE TRIGGER bench_pgroll_trigger BEFORE INSERT OR UPDATE ON customers"
                    + " FOR EACH ROW EXECUTE FUNCTION bench_pgroll_trigger()");
        }

        /** The least a dual-write trigger can be: the four columns, computed on every insert and update. */
        private void minimalTrigger() throws SQLException {
            StringBuilder fn = new StringBuilder("CREATE OR REPLACE FUNCTION bench_minimal_trigger()"
                    + " RETURNS TRIGGER LANGUAGE PLPGSQL AS $$\nDECLARE\n  address text := NEW.address;\nBEGIN\n");
            for (DeriveColumns.Target t : split.targets()) {
                fn.append("  NEW.")
                        .append(t.column().quoted())
                        .append(" := ")
                        .append(t.forward().sql())
                        .append(";\n");
            }
            fn.append("  RETURN NEW;\nEND $$");
            exec(fn.toString());
            exec("CREATE TRIGGER bench_minimal_trigger BEFORE INSERT OR UPDATE ON customers"
                    + " FOR EACH ROW EXECUTE FUNCTION bench_minimal_trigger()");
        }

        private String setClause() {
            return "(" + split.targets().stream().map(t -> t.column().quoted()).collect(Collectors.joining(", "))
                    + ") = ("
                    + split.targets().stream().map(t -> t.forward().sql()).collect(Collectors.joining(", "))
                    + ")";
        }

        /**
         * Checks that every row is filled and, if {@code exact}, filled with what the expressions give for its
         * current address.
         */
        private void check(Method m, int rows, boolean exact) throws SQLException {
            String wrong = split.targets().stream()
                    .map(t -> t.column().quoted() + " IS DISTINCT FROM "
                            + t.forward().sql())
                    .collect(Collectors.joining(" OR "));
            try (Connection c = control.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE street_address IS NULL),"
                            + " count(*) FILTER (WHERE " + wrong + ") FROM customers")) {
                rs.next();
                long total = rs.getLong(1);
                long unfilled = rs.getLong(2);
                long mismatched = rs.getLong(3);
                if (total != rows || unfilled != 0 || (exact && mismatched != 0)) {
                    throw new IllegalStateException(m.label + " left " + unfilled + " of " + total
                            + " rows unfilled and " + mismatched + " different from their address (expected "
                            + rows + " rows" + (exact ? ", all filled from their address)" : ", all filled)"));
                }
            }
        }

        private void measureHeap() {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            maxHeapBytes = Math.max(maxHeapBytes, used);
        }

        /** Replaces {@code customers} with a fresh copy of the seeded rows, vacuumed and analyzed. */
        private void freshCopy() throws SQLException {
            exec("DROP TABLE IF EXISTS customers");
            exec("DROP FUNCTION IF EXISTS bench_pgroll_trigger()");
            exec("DROP FUNCTION IF EXISTS bench_minimal_trigger()");
            CustomersSchema.create(control);
            exec("ALTER TABLE customers SET (autovacuum_enabled = false)");
            exec("INSERT INTO customers (id, name, email, address, created_at, updated_at)"
                    + " SELECT id, name, email, address, created_at, updated_at FROM customers_seed ORDER BY id");
            exec("VACUUM (ANALYZE) customers");
        }

        private long[] range(Connection c) throws SQLException {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT min(id), max(id) FROM customers")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }

        private long walSince(String lsn) throws SQLException {
            try (Connection c = control.getConnection();
                    PreparedStatement ps =
                            c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)::bigint")) {
                ps.setString(1, lsn);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        private String string(String sql) throws SQLException {
            try (Connection c = control.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return requireNonNull(rs.getString(1), sql);
            }
        }

        private void exec(String sql) throws SQLException {
            try (Connection c = control.getConnection();
                    Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }

    /**
     * {@return {@code list} rotated left by {@code by}: round <i>r</i> of the benchmark starts with the <i>r</i>-th
     * method}
     *
     * @param list the order of the first round
     * @param by how many places
     */
    static <T> List<T> rotate(List<T> list, int by) {
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get((i + by) % list.size()));
        }
        return out;
    }

    /**
     * {@return a batch of pgroll's {@code templates/sql.go} for {@code customers}, with the last key as a literal, as
     * pgroll renders it}
     *
     * @param last the previous batch's last key, or {@code null} for the first batch
     */
    static String pgrollBatch(@Nullable String last) {
        return "WITH batch AS (SELECT \"id\" FROM \"customers\" WHERE \"" + PGROLL_FLAG + "\" = true"
                + (last == null ? "" : " AND (\"id\") > ('" + last.replace("'", "''") + "')")
                + " ORDER BY \"id\" LIMIT " + PGROLL_BATCH_ROWS + " FOR NO KEY UPDATE),"
                + " update AS (UPDATE \"customers\" SET \"id\" = \"customers\".\"id\" FROM batch"
                + " WHERE \"customers\".\"id\" = batch.\"id\" RETURNING \"customers\".\"id\")"
                + " SELECT LAST_VALUE(\"id\") OVER() FROM update";
    }

    private static String rounds(int n) {
        return n == 1 ? "1 round" : n + " rounds";
    }

    private static void sleepUntil(long nanoTime) {
        for (long wait = nanoTime - System.nanoTime(); wait > 0; wait = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    /** The same columns, expressions and backward mapping as {@code split}, without {@code mappableWhen}. */
    static MigrationPlan withoutCheck(DeriveColumns split) {
        DeriveColumns same =
                DeriveColumns.on(split.table()).named("customers.address").from("address");
        for (DeriveColumns.Target t : split.targets()) {
            same = same.into(t.column().value(), t.type(), t.forward());
        }
        for (DeriveColumns.BackwardMapping b : split.backwardMappings()) {
            same = same.backward(b.column().value(), b.expression());
        }
        return MigrationPlan.named(AddressSplitPlan.ID + "-unchecked")
                .deriveColumns(same)
                .build();
    }
}
