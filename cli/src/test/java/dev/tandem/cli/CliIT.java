package dev.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.tandem.examples.customers.AddressSplitPlan;
import dev.tandem.examples.customers.CustomersPlans;
import dev.tandem.examples.customers.CustomersSchema;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.UnmappedRow;
import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar, run as separate processes the way a pipeline runs it, through the example's plan on a real
 * PostgreSQL: status where Tandem never ran, every phase, and each exit code a pipeline acts on. The methods run in
 * order on one database, as a deployment would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
    private static final String PLAN = AddressSplitPlan.ID;
    private static final String OLD_APP = "shop-v1.4.2";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jar = Paths.get(System.getProperty("tandem.cli.jar", "target/missing-cli.jar"));
    private final Path plans = Paths.get(System.getProperty("tandem.cli.plans", "target/missing-plans.jar"));

    private TestDatabase db;
    private DataSource ds;
    private int seeded;

    @TempDir
    Path tmp;

    /** What a CLI process printed, and its exit code. */
    record Run(int exit, String stdout, String stderr) {
        JsonNode json() throws Exception {
            return JSON.readTree(stdout);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    @BeforeAll
    void setUp() throws SQLException {
        assertThat(jar).as("the shaded jar (mvn package builds it)").isRegularFile();
        assertThat(plans).as("the example's plans jar").isRegularFile();
        db = PostgresServers.shared(TestPostgresConfig.fromEnvironment()).createDatabase("cli");
        ds = db.dataSource();
        CustomersSchema.create(ds);
        CustomersSchema.SeedReport report = CustomersSchema.seed(ds, CustomersSchema.Seed.of(3000));
        assertThat(report.malformed()).as("the seed has unmappable addresses").isPositive();
        seeded = report.rows();
    }

    @AfterAll
    void tearDown() {
        if (db != null) {
            db.close();
        }
    }

    private String password() {
        // trust authentication ignores a password, so a planted one shows whether the CLI ever prints it
        return db.password() != null ? db.password() : "planted-secret-9b1f";
    }

    private Run cli(String... args) throws Exception {
        return cli(db, false, args);
    }

    /**
     * Runs the shaded jar against {@code database}; on a terminal (a pseudo-terminal from {@code script}, which
     * merges stdout and stderr into {@code stdout}) when asked.
     */
    private Run cli(TestDatabase database, boolean terminal, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--plans",
                plans.toString(),
                "--url",
                database.jdbcUrl(),
                "--user",
                database.user()));
        command.addAll(List.of(args));
        if (terminal) {
            String line = command.stream()
                    .map(a -> "'" + a.replace("'", "'\\''") + "'")
                    .collect(Collectors.joining(" "));
            command = List.of("script", "--quiet", "--return", "--command", line, "/dev/null");
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("TANDEM_") || k.startsWith("PG"));
        env.put("TANDEM_PASSWORD", password()); // never on the command line
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        if (terminal) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tandem " + List.of(args) + " did not end in 60 s");
        }
        Run run = new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        if (password().length() >= 8) { // a short real password could match unrelated output
            assertThat(run.stdout() + run.stderr())
                    .as("output of %s", List.of(args))
                    .doesNotContain(password());
        }
        return run;
    }

    private static JsonNode plan(JsonNode status) {
        for (JsonNode p : status.get("plans")) {
            if (p.get("id").asText().equals(PLAN)) {
                return p;
            }
        }
        throw new AssertionError("no plan " + PLAN + " in " + status);
    }

    private boolean columnExists(String column) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM information_schema.columns"
                        + " WHERE table_name = 'customers' AND column_name = ?")) {
            ps.setString(1, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    @Test
    @Order(1)
    void status_whereTandemNeverRan_planPendingAndNoStateSchema() throws Exception {
        Run run = cli("status", "--json", "--verbose");
        assertThat(run.exit()).as("%s", run).isEqualTo(ExitCodes.OK);
        JsonNode status = run.json();
        assertThat(status.get("command").asText()).isEqualTo("status");
        assertThat(status.get("stateSchemaVersion").asInt()).isZero();
        assertThat(status.get("notInCatalog").size()).isZero();
        assertThat(status.get("oldVersionSessions").size()).isZero();
        JsonNode plan = plan(status);
        assertThat(plan.get("state").asText()).isEqualTo("PENDING");
        assertThat(plan.get("checksumChanged").asBoolean()).isFalse();
        assertThat(plan.get("rowsBackfilled").asLong()).isZero();
        assertThat(plan.get("inconsistentRows").isNull()).as("never verified").isTrue();
        assertThat(plan.get("unmappedRows").asLong()).isZero();
        assertThat(plan.get("lastError").isNull()).isTrue();
        assertThat(plan.get("oldVersionMayRun").asBoolean()).isTrue();
        assertThat(plan.get("newVersionMayRun").asBoolean()).isFalse();
        assertThat(status.get("pendingExpand").get(0).asText()).isEqualTo(PLAN);
        // --verbose logs the settings (without the password) on stderr; stdout stays one JSON document
        assertThat(run.stderr()).contains("password from environment variable TANDEM_PASSWORD");
    }

    @Test
    @Order(2)
    void explain_listsStatementsWithLocks_changesNothing() throws Exception {
        Run run = cli("explain", PLAN, "--json");
        assertThat(run.exit()).as("%s", run).isEqualTo(ExitCodes.OK);
        JsonNode statements = run.json().get("statements");
        assertThat(statements.size()).isPositive();
        List<String> sections = new ArrayList<>();
        statements.forEach(s -> sections.add(s.get("section").asText()));
        assertThat(sections).contains("EXPAND", "BACKFILL", "CONTRACT", "ROLLBACK");
        assertThat(statements.get(0).get("lock").asText()).isNotEmpty();
        assertThat(columnExists("city")).isFalse();

        Run text = cli("explain", PLAN);
        assertThat(text.exit()).isEqualTo(ExitCodes.OK);
        assertThat(text.stdout()).startsWith("Plan '" + PLAN + "'").contains("== EXPAND ==");
    }

    @Test
    @Order(3)
    void expandBackfillVerify_reportEachPhase_verifyRefusesWhileValuesAreUnmapped() throws Exception {
        Run expand = cli("expand", "--json"); // no plan id: every pending plan
        assertThat(expand.exit()).as("%s", expand).isEqualTo(ExitCodes.OK);
        assertThat(expand.json().get("plans").get(0).get("state").asText()).isEqualTo("EXPANDED");
        assertThat(columnExists("city")).isTrue();

        Run backfill = cli("backfill", PLAN, "--json");
        assertThat(backfill.exit()).as("%s", backfill).isEqualTo(ExitCodes.OK);
        JsonNode b = backfill.json();
        assertThat(b.get("backfill").get("rowsTotal").asLong()).isPositive().isLessThanOrEqualTo(seeded);
        assertThat(b.get("plan").get("state").asText()).isEqualTo("BACKFILLED");
        assertThat(b.get("plan").get("newVersionMayRun").asBoolean()).isTrue();
        // not a terminal: progress comes as plain log lines on stderr
        assertThat(backfill.stderr())
                .contains(PLAN + " - ")
                .contains(" rows/s, ETA ")
                .doesNotContain("\r");

        Run verify = cli("verify", PLAN, "--json");
        assertThat(verify.exit()).as("%s", verify).isEqualTo(ExitCodes.REFUSED);
        JsonNode v = verify.json();
        assertThat(v.get("verify").get("contractable").asBoolean()).isFalse();
        assertThat(v.get("verify").get("unmappedRows").asLong()).isPositive();
        assertThat(v.get("verify").get("unmappedSample").get(0).get("table").asText())
                .contains("customers");
        assertThat(v.get("error").get("code").asText()).isEqualTo("TANDEM-0420");
        assertThat(v.get("error").get("kind").asText()).isEqualTo("refused");
        assertThat(v.get("plan").get("state").asText()).isEqualTo("BACKFILLED");
    }

    @Test
    @Order(4)
    void contract_whileValuesAreUnmapped_refusedAndNothingChanged() throws Exception {
        Run run = cli("contract", PLAN, "--json");
        assertThat(run.exit()).as("%s", run).isEqualTo(ExitCodes.REFUSED);
        JsonNode error = run.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("TANDEM-0420");
        assertThat(error.get("name").asText()).isEqualTo("CONTRACT_REFUSED");
        assertThat(error.get("kind").asText()).isEqualTo("refused");
        assertThat(error.get("exitCode").asInt()).isEqualTo(3);
        assertThat(error.get("planId").asText()).isEqualTo(PLAN);
        assertThat(error.get("hint").asText()).contains("contract --force <reason>");
        assertThat(run.stderr()).contains("tandem contract: REFUSED (exit 3): ");
        assertThat(columnExists("address")).isTrue();
    }

    @Test
    @Order(5)
    void backfill_whileAnotherRunnerHoldsThePlan_blocked() throws Exception {
        // not from the pool: a session lock would outlive the connection's return to it
        try (Connection other = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            int pid;
            try (PreparedStatement ps = other.prepareStatement("SELECT pg_backend_pid(), pg_advisory_lock(?, ?)")) {
                ps.setInt(1, 0x54616e64); // "Tand": the namespace of Tandem's advisory locks
                ps.setInt(2, lockKey(PLAN));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    pid = rs.getInt(1);
                }
            }
            Run run = cli("backfill", PLAN, "--runner-lock-wait", "0s", "--json");
            assertThat(run.exit()).as("%s", run).isEqualTo(ExitCodes.BLOCKED);
            JsonNode error = run.json().get("error");
            assertThat(error.get("code").asText()).isEqualTo("TANDEM-0310");
            assertThat(error.get("kind").asText()).isEqualTo("blocked");
            assertThat(error.get("blockers").get(0).get("pid").asInt()).isEqualTo(pid);
            assertThat(error.get("hint").asText()).contains("--runner-lock-wait <duration> (now 0)");

            Run text = cli("contract", PLAN);
            assertThat(text.exit()).isEqualTo(ExitCodes.BLOCKED);
            assertThat(text.stderr())
                    .contains("tandem contract: BLOCKED (exit 4): ")
                    .contains("pid " + pid);
        }
        Run free = cli("status", "--json");
        assertThat(free.exit()).isEqualTo(ExitCodes.OK);
        assertThat(plan(free.json()).get("state").asText())
                .as("nothing changed")
                .isEqualTo("BACKFILLED");
    }

    @Test
    @Order(6)
    void contract_whileOldVersionConnected_refusedNamingTheSession_thenRunsOnceItIsGone() throws Exception {
        fixUnmappedAddresses();
        HikariDataSource oldApp = db.newDataSource(1, OLD_APP);
        try (Connection held = oldApp.getConnection()) {
            assertThat(held.isValid(5)).isTrue();
            Run status = cli("status", "--json", "--old-version-app-name", "shop-v1%");
            assertThat(status.exit()).as("%s", status).isEqualTo(ExitCodes.OK);
            JsonNode sessions = status.json().get("oldVersionSessions");
            assertThat(sessions.size()).isEqualTo(1);
            assertThat(sessions.get(0).get("applicationName").asText()).isEqualTo(OLD_APP);
            assertThat(sessions.get(0).get("pid").asInt()).isPositive();

            Run text = cli("status", "--old-version-app-name", "shop-v1%");
            assertThat(text.stdout()).contains("Old version sessions: 1 connected", "application_name '" + OLD_APP);

            Run refused = cli("contract", PLAN, "--old-version-app-name", "shop-v1%", "--json");
            assertThat(refused.exit()).as("%s", refused).isEqualTo(ExitCodes.REFUSED);
            JsonNode error = refused.json().get("error");
            assertThat(error.get("code").asText()).isEqualTo("TANDEM-0430");
            assertThat(error.get("message").asText()).contains("application_name '" + OLD_APP + "'");
            assertThat(error.get("hint").asText()).contains("application_name LIKE 'shop-v1%'");
            assertThat(columnExists("address")).isTrue();
        } finally {
            oldApp.close();
        }
        awaitSessionsGone(OLD_APP);

        Run contract = cli("contract", PLAN, "--old-version-app-name", "shop-v1%", "--json");
        assertThat(contract.exit()).as("%s", contract).isEqualTo(ExitCodes.OK);
        JsonNode plan = contract.json().get("plan");
        assertThat(plan.get("state").asText()).isEqualTo("CONTRACTED");
        assertThat(plan.get("oldVersionMayRun").asBoolean()).isFalse();
        assertThat(columnExists("address")).isFalse();
    }

    @Test
    @Order(7)
    void afterContract_statusAndRunToReportTheEnd() throws Exception {
        Run status = cli("status");
        assertThat(status.exit()).as("%s", status).isEqualTo(ExitCodes.OK);
        assertThat(status.stdout()).containsPattern(PLAN + " +CONTRACTED");
        assertThat(status.stdout()).contains("State schema version: ").doesNotContain("State schema version: 0");

        Run runTo = cli("run-to", "contracted", "--json"); // every plan; already done, so nothing changes
        assertThat(runTo.exit()).as("%s", runTo).isEqualTo(ExitCodes.OK);
        assertThat(runTo.json().get("target").asText()).isEqualTo("CONTRACTED");
        assertThat(runTo.json().get("plans").get(0).get("state").asText()).isEqualTo("CONTRACTED");

        Run rollback = cli("rollback", PLAN, "--json");
        assertThat(rollback.exit()).as("%s", rollback).isEqualTo(ExitCodes.REFUSED);
        assertThat(rollback.json().get("error").get("code").asText()).isEqualTo("TANDEM-0400");
    }

    @Test
    @Order(8)
    void onATerminal_runToShowsLiveProgress_rollbackThenRunToSkipsTheRolledBackPlan() throws Exception {
        assertThat(Paths.get("/usr/bin/script"))
                .as("util-linux script, for a pseudo-terminal")
                .isExecutable();
        try (TestDatabase second =
                PostgresServers.shared(TestPostgresConfig.fromEnvironment()).createDatabase("cli_tty")) {
            CustomersSchema.create(second.dataSource());
            var unused = CustomersSchema.seed(second.dataSource(), CustomersSchema.Seed.wellFormed(2000));

            Run runTo = cli(second, true, "run-to", "BACKFILLED"); // every plan of the catalog
            assertThat(runTo.exit()).as("%s", runTo).isEqualTo(ExitCodes.OK);
            // one line rewritten in place, ended before the next output
            assertThat(runTo.stdout())
                    .contains("\r" + PLAN + " - ")
                    .contains(" rows/s, ETA ")
                    .contains("Plan '" + PLAN + "': BACKFILLED");

            Run rollback = cli(second, false, "rollback", PLAN, "--json");
            assertThat(rollback.exit()).as("%s", rollback).isEqualTo(ExitCodes.OK);
            assertThat(rollback.json().get("plan").get("state").asText()).isEqualTo("ROLLED_BACK");

            Run again = cli(second, false, "run-to", "EXPANDED", "--json");
            assertThat(again.exit()).as("%s", again).isEqualTo(ExitCodes.OK);
            assertThat(again.json().get("plans").size()).isZero();
            assertThat(again.json().get("skipped").get(0).asText()).isEqualTo(PLAN);
        }
    }

    /** What an operator's clean-up does: give every unmapped row an address the plan maps. */
    private void fixUnmappedAddresses() throws SQLException {
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        List<UnmappedRow> rows = migrator.unmapped(new CustomersPlans().plans().get(0), 10_000);
        assertThat(rows).isNotEmpty();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE customers SET address = ? WHERE id = ?")) {
            for (UnmappedRow r : rows) {
                ps.setString(1, "1 Main St, Springfield, IL, 62701");
                ps.setInt(2, Integer.parseInt(r.key().get(0)));
                ps.addBatch();
            }
            var unused = ps.executeBatch();
        }
    }

    /** A closed pool's sessions leave pg_stat_activity a moment after the close returns. */
    private void awaitSessionsGone(String applicationName) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps =
                            c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
                ps.setString(1, applicationName);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("sessions of " + applicationName + " still connected after 10 s");
            }
            Thread.sleep(20);
        }
    }

    /** The second key of the plan's advisory lock: the first 4 bytes of the SHA-256 of its id. */
    private static int lockKey(String planId) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(planId.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(d, 0, 4).getInt();
    }
}
