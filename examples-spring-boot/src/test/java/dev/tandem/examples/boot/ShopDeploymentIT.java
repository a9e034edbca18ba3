package dev.tandem.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.PlanCatalog;
import dev.tandem.examples.customers.Address;
import dev.tandem.examples.customers.AddressSplitPlan;
import dev.tandem.examples.customers.AppV1;
import dev.tandem.examples.customers.AppV2;
import dev.tandem.examples.customers.CustomersPlans;
import dev.tandem.examples.customers.CustomersSchema;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.spring.boot.TandemEndpoint;
import dev.tandem.spring.boot.TandemHealthIndicator;
import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The production flow of the customers/address story: version 1 and version 2 as two Spring Boot applications on one
 * database. Version 2's start runs the plan's expand and backfill through the starter; both versions work side by side;
 * the CLI, run as its own process the way a pipeline would, refuses to contract while version 1 is connected and
 * contracts once it stopped.
 */
class ShopDeploymentIT {

    TestDatabase db;
    long fromV1;

    @BeforeEach
    void setUp() throws Exception {
        db = PostgresServers.shared(TestPostgresConfig.fromEnvironment()).createDatabase("shop");
        CustomersSchema.create(db.dataSource());
        var unused = CustomersSchema.seed(db.dataSource(), CustomersSchema.Seed.wellFormed(2_000));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    String[] datasource() {
        return new String[] {
            "--spring.datasource.url=" + db.jdbcUrl(),
            "--spring.datasource.username=" + db.user(),
            "--spring.datasource.password=" + (db.password() == null ? "" : db.password())
        };
    }

    @Test
    void v2StartsAndMigrates_bothVersionsWork_contractWaitsForV1ToStop() throws Exception {
        ConfigurableApplicationContext v1ctx = ShopV1Application.start(datasource());
        try (ConfigurableApplicationContext v2ctx = startV2(v1ctx)) {
            PostgresMigrator migrator = v2ctx.getBean(PostgresMigrator.class);
            PlanCatalog catalog = v2ctx.getBean(PlanCatalog.class);
            assertThat(catalog.ids()).containsExactly(AddressSplitPlan.ID);
            // the starter expanded at startup; the backfill runs in the background: v2 serves once it is done
            PlanStatus status = awaitNewVersionMayRun(migrator);
            assertThat(status.rowsBackfilled()).isGreaterThanOrEqualTo(2_000);

            // what the new version's readiness and an operator see
            TandemEndpoint.TandemDescriptor shown =
                    v2ctx.getBean(TandemEndpoint.class).plans();
            assertThat(shown.plans())
                    .singleElement()
                    .satisfies(p -> assertThat(p.newVersionMayRun()).isTrue());
            assertThat(shown.oldVersionSessions())
                    .isNotEmpty()
                    .allSatisfy(o -> assertThat(o.applicationName()).isEqualTo("shop-v1"));
            assertThat(v2ctx.getBean(TandemHealthIndicator.class).health().getStatus())
                    .isEqualTo(Status.UP);

            AppV1 v1 = v1ctx.getBean(AppV1.class);
            AppV2 v2 = v2ctx.getBean(AppV2.class);
            assertThat(v2.get(fromV1).orElseThrow().address())
                    .isEqualTo(new Address("1 Loop Rd", "Cupertino", "CA", "95014"));
            long fromV2 =
                    v2.create("Grace", "grace@example.com", new Address("2 Navy Way", "Arlington", "VA", "22202"));
            assertThat(v1.get(fromV2).orElseThrow().address()).isEqualTo("2 Navy Way, Arlington, VA, 22202");

            // the pipeline: contract is refused while v1 is connected, and the refusal names it
            Cli refused = cli("--json", "contract", AddressSplitPlan.ID, "--old-version-app-name", "shop-v1%");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(3);
            assertThat(refused.out()).contains("TANDEM-0430").contains("shop-v1");
            assertThat(migrator.status(AddressSplitPlan.plan()).state()).isNotEqualTo(PlanState.CONTRACTED);

            v1ctx.close(); // v1 is gone: its pool closed its connections
            Cli contracted = cli("contract", AddressSplitPlan.ID, "--old-version-app-name", "shop-v1%");
            assertThat(contracted.exit()).as(contracted.toString()).isZero();
            assertThat(migrator.status(AddressSplitPlan.plan()).state()).isEqualTo(PlanState.CONTRACTED);

            // v2 goes on without the old column
            assertThat(v2.get(fromV2).orElseThrow().name()).isEqualTo("Grace");
            long after = v2.create("Linus", "linus@example.com", new Address("3 Kernel St", "Portland", "OR", "97201"));
            assertThat(v2.get(after)).isPresent();
        } finally {
            v1ctx.close();
        }
    }

    /** Version 1 is live with a customer of its own when version 2 starts. */
    private ConfigurableApplicationContext startV2(ConfigurableApplicationContext v1ctx) {
        fromV1 = v1ctx.getBean(AppV1.class).create("Ada", "ada@example.com", "1 Loop Rd, Cupertino, CA, 95014");
        return ShopV2Application.start(datasource());
    }

    private static PlanStatus awaitNewVersionMayRun(PostgresMigrator migrator) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        PlanStatus status = migrator.status(AddressSplitPlan.plan());
        while (!status.newVersionMayRun()) {
            assertThat(System.nanoTime())
                    .as("the background backfill to finish: " + status)
                    .isLessThan(deadline);
            Thread.sleep(100); // a poll interval, not a timing assumption: the deadline bounds the wait
            status = migrator.status(AddressSplitPlan.plan());
        }
        return status;
    }

    record Cli(int exit, String out, String err) {}

    /** Runs the CLI's executable jar as its own process; the password goes through the environment only. */
    private Cli cli(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(System.getProperty("tandem.cli.jar"));
        command.add("--url=" + db.jdbcUrl());
        command.add("--user=" + db.user());
        command.add("--plans="
                + new File(CustomersPlans.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .getPath());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("cli", ".out");
        Path err = Files.createTempFile("cli", ".err");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("TANDEM_PASSWORD", db.password() == null ? "" : db.password());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the CLI to finish").isTrue();
        return new Cli(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
