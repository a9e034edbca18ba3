package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.SqlStatement;
import dev.tandem.postgres.ExecutionListener;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.testkit.database.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The samples of configuration.md, run with the options they show. */
class ConfigurationIT {
    private static final Logger log = LoggerFactory.getLogger(ConfigurationIT.class);

    TestDatabase db;
    DataSource dataSource;

    @BeforeEach
    void setUp() throws Exception {
        db = DocsDatabase.create("configuration");
        dataSource = db.dataSource();
        DocsDatabase.run(dataSource, "customers.sql", "schema");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void options_busyProductionTable_runEveryPhase() {
        // tag::options[]
        PostgresOptions options = PostgresOptions.defaults()
                .withLockTimeout(Duration.ofMillis(200)) // others wait at most 200 ms behind a DDL attempt
                .withLockRetryDeadline(Duration.ofMinutes(10)) // then keep trying for up to 10 minutes
                .withMaxLockHold(Duration.ofMillis(20)) // application writes wait at most ~20 ms for a batch
                .withBatchPause(Duration.ofMillis(50)) // room for replicas and vacuum
                .withHealthCheck(
                        SqlStatement.trusted("SELECT coalesce(max(replay_lag), interval '0') < interval '5 seconds'"
                                + " FROM pg_stat_replication"),
                        Duration.ofSeconds(5)) // while replicas lag, wait and ask again
                .withApplicationName("tandem-deploy-42"); // shows in pg_stat_activity
        PostgresMigrator migrator = PostgresMigrator.create(dataSource, options);
        // end::options[]
        MigrationPlan plan = GettingStartedIT.addressSplit();
        assertThat(migrator.runTo(plan, PlanState.CONTRACTED).state()).isEqualTo(PlanState.CONTRACTED);
    }

    @Test
    void withOptions_onePhaseWithLongerStatementTimeout_leavesTheOriginalUnchanged() {
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        MigrationPlan plan = GettingStartedIT.addressSplit();
        // tag::with-options[]
        PostgresMigrator patient =
                migrator.withOptions(migrator.options().withStatementTimeout(Duration.ofMinutes(30)));
        patient.expand(plan); // e.g. a plan whose raw CREATE INDEX CONCURRENTLY takes minutes
        // end::with-options[]
        assertThat(migrator.options().statementTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.EXPANDED);
    }

    @Test
    void executionListener_afterEachUnit_seesLockAndDuration() {
        List<String> seen = new CopyOnWriteArrayList<>();
        // tag::execution-listener[]
        ExecutionListener timing = new ExecutionListener() {
            @Override
            public void afterUnit(Unit unit, Duration took) {
                log.info(
                        "{} {}: {} on {} in {} ms",
                        unit.phase(),
                        unit.stepIds(),
                        unit.lockMode().sqlName(),
                        unit.relation(),
                        took.toMillis());
                // end::execution-listener[]
                seen.add(unit.phase() + " " + unit.stepIds() + ": "
                        + unit.lockMode().sqlName() + " on " + unit.relation());
                // tag::execution-listener[]
            }
        };
        PostgresMigrator migrator =
                PostgresMigrator.create(dataSource, PostgresOptions.defaults().withListener(timing));
        // end::execution-listener[]
        migrator.expand(GettingStartedIT.addressSplit());
        DocOutputs.check("configuration.md", "execution-listener", String.join("\n", seen));
    }
}
