package dev.tandem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.metrics.TandemMetrics;
import dev.tandem.spring.boot.TandemEndpoint.PlanDescriptor;
import dev.tandem.spring.boot.TandemEndpoint.TandemDescriptor;
import dev.tandem.testkit.database.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code tandem} endpoint and health indicator, and the meters with Spring Boot's own metrics configuration. */
class ActuatorIT {

    private static ApplicationContextRunner runner(TestDatabase db) {
        return Db.runner(db).withPropertyValues("management.endpoints.web.exposure.include=health,tandem");
    }

    @Test
    void endpointAndHealth_expandedPlans_reportTheirStates() throws Exception {
        try (TestDatabase db = Db.withParcels(10)) {
            runner(db)
                    .withBean("labelPlan", MigrationPlan.class, () -> TestPlans.LABEL)
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(TandemEndpoint.class);
                        TandemDescriptor all =
                                context.getBean(TandemEndpoint.class).plans();
                        assertThat(all.plans())
                                .extracting(PlanDescriptor::id, PlanDescriptor::state)
                                .containsExactly(
                                        org.assertj.core.groups.Tuple.tuple(TestPlans.WEIGHT_KG_ID, PlanState.EXPANDED),
                                        org.assertj.core.groups.Tuple.tuple(TestPlans.LABEL.id(), PlanState.EXPANDED));
                        PlanDescriptor weight = all.plans().get(0);
                        assertThat(weight.checksumChanged()).isFalse();
                        assertThat(weight.notInCatalog()).isFalse();
                        assertThat(weight.oldVersionMayRun()).isTrue();
                        assertThat(weight.newVersionMayRun()).isFalse();
                        assertThat(weight.rowsBackfilled()).isZero();
                        assertThat(weight.inconsistentRows()).isEqualTo(-1);
                        assertThat(weight.lastError()).isNull();
                        assertThat(weight.updatedAt()).isNotNull();
                        assertThat(all.notInCatalog()).isEmpty();
                        assertThat(all.oldVersionSessions()).isEmpty();
                        assertThat(all.stateSchemaVersion()).isPositive();
                        assertThat(context.getBean(TandemEndpoint.class).plan(TestPlans.LABEL.id()))
                                .isEqualTo(all.plans().get(1));
                        assertThat(context.getBean(TandemEndpoint.class).plan("no-such-plan"))
                                .isNull();

                        // what Actuator's Jackson writes
                        String json = new ObjectMapper()
                                .findAndRegisterModules()
                                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                                .writeValueAsString(all);
                        assertThat(json)
                                .contains("{\"id\":\"" + TestPlans.WEIGHT_KG_ID + "\",\"state\":\"EXPANDED\","
                                        + "\"checksumChanged\":false,\"notInCatalog\":false,\"rowsBackfilled\":0,"
                                        + "\"inconsistentRows\":-1,\"unmappedRows\":0,\"lastError\":null,"
                                        + "\"oldVersionMayRun\":true,\"newVersionMayRun\":false,\"updatedAt\":\"");

                        Health health = context.getBean("tandemHealthIndicator", TandemHealthIndicator.class)
                                .health();
                        assertThat(health.getStatus()).isEqualTo(Status.UP);
                        assertThat(health.getDetails()).containsOnlyKeys("plans", "stateSchemaVersion");
                        assertThat(health.getDetails().get("plans"))
                                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                                .containsOnlyKeys(TestPlans.WEIGHT_KG_ID, TestPlans.LABEL.id())
                                .extractingByKey(TestPlans.WEIGHT_KG_ID)
                                .isEqualTo(Map.of(
                                        "state",
                                        "EXPANDED",
                                        "rowsBackfilled",
                                        0L,
                                        "inconsistentRows",
                                        -1L,
                                        "unmappedRows",
                                        0L,
                                        "oldVersionMayRun",
                                        true,
                                        "newVersionMayRun",
                                        false));
                    });
        }
    }

    @Test
    void health_planChangedAfterItStarted_down() throws Exception {
        try (TestDatabase db = Db.withParcels(10)) {
            PostgresMigrator.create(db.dataSource()).expand(TestPlans.weightKg(ColumnType.numeric(12, 3)));
            runner(db).run(context -> {
                // EXPANDED is not pending: the startup leaves the changed plan alone, the health says so
                assertThat(context).hasNotFailed();
                Health health = context.getBean(TandemHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(health.getDetails().get("problems"))
                        .isEqualTo(List.of("Plan '" + TestPlans.WEIGHT_KG_ID + "' changed after it started (state"
                                + " EXPANDED): run it as it started, roll it back, or give the changed plan a new id"));
                assertThat(context.getBean(TandemEndpoint.class).plans().plans())
                        .singleElement()
                        .satisfies(p -> assertThat(p.checksumChanged()).isTrue());
            });
        }
    }

    @Test
    void health_inFlightPlanMissingFromTheCatalog_down() throws Exception {
        try (TestDatabase db = Db.withParcels(10)) {
            MigrationPlan removed = MigrationPlan.named("0-parcels-note")
                    .addColumn(TestPlans.PARCELS, "note", ColumnType.TEXT)
                    .build();
            PostgresMigrator.create(db.dataSource()).expand(removed);
            runner(db).run(context -> {
                assertThat(context).hasNotFailed();
                Health health = context.getBean(TandemHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(health.getDetails().get("problems"))
                        .isEqualTo(List.of("Plan '0-parcels-note' is EXPANDED in the database but not in the catalog:"
                                + " put it back until it is contracted or rolled back"));
                assertThat(context.getBean(TandemEndpoint.class).plans().notInCatalog())
                        .singleElement()
                        .satisfies(p -> {
                            assertThat(p.id()).isEqualTo("0-parcels-note");
                            assertThat(p.notInCatalog()).isTrue();
                        });
            });
        }
    }

    @Test
    void health_stateTablesFromANewerRelease_downWithTheMessage() throws Exception {
        try (TestDatabase db = Db.withParcels(10)) {
            PostgresMigrator.create(db.dataSource()).expand(TestPlans.WEIGHT_KG);
            Db.execute(db, "INSERT INTO tandem.schema_version (version, tandem_version) VALUES (99, '9.9.9')");
            runner(db).withPropertyValues("tandem.expand-on-startup=false").run(context -> {
                assertThat(context).hasNotFailed();
                Health health = context.getBean(TandemHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(health.getDetails()).containsOnlyKeys("error");
                assertThat((String) health.getDetails().get("error"))
                        .startsWith("PlanStateException: Tandem's state tables in schema \"tandem\" are at layout"
                                + " version 99, written by a newer Tandem release")
                        .endsWith("[TANDEM-0440]");
            });
        }
    }

    @Test
    void metrics_springBootsMeterRegistry_boundAndRefreshedByEveryRead() throws Exception {
        try (TestDatabase db = Db.withParcels(10)) {
            // listed before the metrics auto-configurations: the afterName ordering puts Tandem after them
            Db.runner(
                            db,
                            MetricsAutoConfiguration.class,
                            SimpleMetricsExportAutoConfiguration.class,
                            CompositeMeterRegistryAutoConfiguration.class)
                    .withPropertyValues("management.endpoints.web.exposure.include=tandem")
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(TandemMetrics.class);
                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        assertThat(gauge(registry, PlanState.EXPANDED)).isEqualTo(1.0);
                        assertThat(registry.find(TandemMetrics.UNIT)
                                        .tag("plan", TestPlans.WEIGHT_KG_ID)
                                        .tag("phase", "expand")
                                        .timer())
                                .isNotNull();
                        // a change made elsewhere shows up on the next read
                        PostgresMigrator.create(db.dataSource()).backfill(TestPlans.WEIGHT_KG);
                        assertThat(gauge(registry, PlanState.EXPANDED)).isEqualTo(1.0);
                        var unused = context.getBean(TandemEndpoint.class).plans();
                        assertThat(gauge(registry, PlanState.EXPANDED)).isZero();
                        assertThat(gauge(registry, PlanState.BACKFILLED)).isEqualTo(1.0);
                    });
        }
    }

    private static double gauge(MeterRegistry registry, PlanState state) {
        var g = registry.find(TandemMetrics.STATE)
                .tag("plan", TestPlans.WEIGHT_KG_ID)
                .tag("state", state.name())
                .gauge();
        return g == null ? -1 : g.value();
    }
}
