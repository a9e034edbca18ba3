package dev.tandem.examples.customers;

import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.testkit.database.PostgresServer;
import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * How much slower is Tandem's backfill than the tutorial's single {@code UPDATE}? Both fill {@code street_address},
 * {@code city}, {@code state} and {@code zip_code} of the same customers, on embedded PostgreSQL, in the same JVM:
 *
 * <ul>
 *   <li><b>single</b>: the tutorial's way, one statement in one transaction, {@code UPDATE customers SET
 *       (street_address, city, state, zip_code) = (...)} with the plan's own forward expressions, on a fresh copy of
 *       the table to which the four columns were just added. It holds its row locks on every row until it ends and,
 *       on the tutorial's data, one malformed address aborts it.
 *   <li><b>backfill</b>: {@link AddressSplitPlan} at {@linkplain PostgresOptions#defaults() default options}: expand
 *       first (not timed), then only {@link PostgresMigrator#backfill(MigrationPlan)} is timed: short transactions on
 *       key ranges, batch size adapting toward 200 ms, the mappability check and the recording of unmapped rows, the
 *       saved cursor, and the sync trigger's {@code WHEN} clause evaluated for each row.
 *   <li><b>backfill without the check</b>: the same split without the plan's {@code mappableWhen} condition, which
 *       runs four {@code split_part}s and two regular expressions per row: what batching itself costs.
 * </ul>
 *
 * <p>All addresses are well-formed (otherwise the single {@code UPDATE} fails). Each run starts from a fresh copy of
 * the same seeded rows, vacuumed and analyzed, autovacuum off for the table, after a {@code CHECKPOINT}. The runs are
 * interleaved, alternating which goes first, for {@code tandem.benchmark.rounds} rounds (default 2); the result is
 * each side's median rows per second and their ratio backfill/single. Nothing else runs meanwhile, so this is the cost
 * of batching itself, not of sharing the machine with an application.
 *
 * <p>Run it from the repository root with {@code mvn -B -Pbenchmark -DskipTests package}; {@code
 * -Dtandem.benchmark.rows=N} (default 1,000,000) and {@code -Dtandem.benchmark.rounds=N} change its size.
 */
public final class BackfillBenchmark {
    private BackfillBenchmark() {}

    /** System property with the rows per run. */
    static final String ROWS_PROPERTY = "tandem.benchmark.rows";
    /** System property with the number of rounds. */
    static final String ROUNDS_PROPERTY = "tandem.benchmark.rounds";

    /** The two ways of filling the new columns. */
    enum Method {
        /** One {@code UPDATE} over the whole table. */
        SINGLE_UPDATE("single UPDATE"),
        /** Tandem's batched backfill of {@link AddressSplitPlan}, which checks each address (mappableWhen). */
        TANDEM_BACKFILL("Tandem backfill"),
        /** The same backfill of the same split without the plan's mappability check: Tandem's own cost alone. */
        TANDEM_NO_CHECK("Tandem, no check");

        private final String label;

        Method(String label) {
            this.label = label;
        }
    }

    /**
     * One timed run.
     *
     * @param round the round, from 1
     * @param method what was timed
     * @param rows rows filled
     * @param duration how long it took
     * @param detail what else is worth knowing (batches)
     */
    record Run(int round, Method method, long rows, Duration duration, String detail) {
        double rowsPerSecond() {
            return rows / (duration.toNanos() / 1e9);
        }
    }

    /**
     * The benchmark's result.
     *
     * @param runs every run, in order
     */
    record Result(List<Run> runs) {
        Result {
            runs = List.copyOf(runs);
        }

        double median(Method method) {
            double[] rates = runs.stream()
                    .filter(r -> r.method() == method)
                    .mapToDouble(Run::rowsPerSecond)
                    .sorted()
                    .toArray();
            if (rates.length == 0) {
                return Double.NaN;
            }
            int mid = rates.length / 2;
            return rates.length % 2 == 1 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
        }

        /** {@return the median backfill rate divided by the median single-UPDATE rate} */
        double ratio() {
            return ratio(Method.TANDEM_BACKFILL);
        }

        /**
         * {@return the median rate of {@code method} divided by the median single-UPDATE rate}
         *
         * @param method a backfill method
         */
        double ratio(Method method) {
            return median(method) / median(Method.SINGLE_UPDATE);
        }
    }

    /**
     * Starts embedded PostgreSQL and runs the benchmark.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.setProperty("org.jooq.no-logo", "true");
        int rows = Integer.getInteger(ROWS_PROPERTY, 1_000_000);
        int rounds = Integer.getInteger(ROUNDS_PROPERTY, 2);
        PrintStream out = System.out;
        boolean ok = false;
        try (PostgresServer server = PostgresServers.start(TestPostgresConfig.fromEnvironment());
                TestDatabase db = server.createDatabase("tandem_bench")) {
            out.println("Backfill benchmark on " + server.description() + ", "
                    + Runtime.getRuntime().availableProcessors() + " CPUs");
            run(db.newDataSource(2, "benchmark"), rows, rounds, out);
            ok = true;
        } catch (SQLException | RuntimeException e) {
            out.println("The benchmark failed:");
            e.printStackTrace(out);
        }
        out.flush();
        System.exit(ok ? 0 : 1);
    }

    /**
     * Runs the benchmark on an empty database.
     *
     * @param dataSource the database
     * @param rows rows per run
     * @param rounds rounds; each times both methods once
     * @param out where the results are printed
     * @return the runs
     * @throws SQLException if the database fails
     */
    static Result run(DataSource dataSource, int rows, int rounds, PrintStream out) throws SQLException {
        if (rows < 1 || rounds < 1) {
            throw new IllegalArgumentException("rows (" + rows + ") and rounds (" + rounds + ") must be >= 1");
        }
        long t0 = System.nanoTime();
        CustomersSchema.create(dataSource);
        CustomersSchema.seed(dataSource, CustomersSchema.Seed.wellFormed(rows));
        exec(dataSource, "CREATE TABLE customers_seed AS TABLE customers");
        out.printf(
                Locale.ROOT,
                "Seeded %,d customers with well-formed addresses in %s; %d rounds, order alternating%n",
                rows,
                Demo.seconds(Duration.ofNanos(System.nanoTime() - t0)),
                rounds);
        MigrationPlan plan = AddressSplitPlan.plan();
        MigrationPlan unchecked = withoutCheck(AddressSplitPlan.split());
        PostgresMigrator migrator = PostgresMigrator.create(dataSource, PostgresOptions.defaults());
        List<Run> runs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            List<Method> order = round % 2 == 1
                    ? List.of(Method.SINGLE_UPDATE, Method.TANDEM_BACKFILL, Method.TANDEM_NO_CHECK)
                    : List.of(Method.TANDEM_NO_CHECK, Method.TANDEM_BACKFILL, Method.SINGLE_UPDATE);
            for (Method method : order) {
                Run run = method == Method.SINGLE_UPDATE
                        ? singleUpdate(dataSource, round)
                        : tandemBackfill(
                                dataSource,
                                migrator,
                                method == Method.TANDEM_BACKFILL ? plan : unchecked,
                                method,
                                round);
                long unfilled = count(dataSource, "SELECT count(*) FROM customers WHERE street_address IS NULL");
                if (run.rows() != rows || unfilled != 0) {
                    throw new IllegalStateException(method.label + " filled " + run.rows() + " rows of " + rows + "; "
                            + unfilled + " rows left without street_address");
                }
                out.printf(
                        Locale.ROOT,
                        "  round %d  %-16s %,10d rows in %8s  %,10.0f rows/s  %s%n",
                        round,
                        method.label,
                        run.rows(),
                        Demo.seconds(run.duration()),
                        run.rowsPerSecond(),
                        run.detail());
                runs.add(run);
            }
        }
        Result result = new Result(runs);
        out.printf(
                Locale.ROOT,
                "Median rows/s: single UPDATE %,.0f, Tandem backfill %,.0f (backfill/single = %.2f),"
                        + " Tandem without the plan's check %,.0f (%.2f)%n",
                result.median(Method.SINGLE_UPDATE),
                result.median(Method.TANDEM_BACKFILL),
                result.ratio(),
                result.median(Method.TANDEM_NO_CHECK),
                result.ratio(Method.TANDEM_NO_CHECK));
        return result;
    }

    private static Run singleUpdate(DataSource dataSource, int round) throws SQLException {
        freshCopy(dataSource);
        DeriveColumns split = AddressSplitPlan.split();
        exec(
                dataSource,
                "ALTER TABLE customers "
                        + split.targets().stream()
                                .map(t -> "ADD COLUMN " + t.column().quoted() + " "
                                        + t.type().sql())
                                .collect(Collectors.joining(", ")));
        exec(dataSource, "CHECKPOINT");
        String update = "UPDATE customers SET ("
                + split.targets().stream().map(t -> t.column().quoted()).collect(Collectors.joining(", "))
                + ") = ("
                + split.targets().stream().map(t -> t.forward().sql()).collect(Collectors.joining(", "))
                + ")";
        long t0 = System.nanoTime();
        long rows;
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            rows = s.executeLargeUpdate(update);
        }
        return new Run(round, Method.SINGLE_UPDATE, rows, Duration.ofNanos(System.nanoTime() - t0), "1 statement");
    }

    /** The same columns, expressions and backward mapping, without {@code mappableWhen}. */
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

    private static Run tandemBackfill(
            DataSource dataSource, PostgresMigrator migrator, MigrationPlan plan, Method method, int round)
            throws SQLException {
        freshCopy(dataSource);
        exec(dataSource, "DROP SCHEMA IF EXISTS tandem CASCADE");
        migrator.expand(plan);
        exec(dataSource, "CHECKPOINT");
        long t0 = System.nanoTime();
        BackfillReport report = migrator.backfill(plan);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        return new Run(round, method, report.rowsFilled(), took, report.batches() + " batches");
    }

    /** Replaces {@code customers} with a fresh copy of the seeded rows, vacuumed and analyzed. */
    private static void freshCopy(DataSource dataSource) throws SQLException {
        exec(dataSource, "DROP TABLE IF EXISTS customers");
        CustomersSchema.create(dataSource);
        exec(dataSource, "ALTER TABLE customers SET (autovacuum_enabled = false)");
        exec(
                dataSource,
                "INSERT INTO customers (id, name, email, address, created_at, updated_at)"
                        + " SELECT id, name, email, address, created_at, updated_at FROM customers_seed");
        exec(dataSource, "VACUUM (ANALYZE) customers");
    }

    private static void exec(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
