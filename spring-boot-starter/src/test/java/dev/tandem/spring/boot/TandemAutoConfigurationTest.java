package dev.tandem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanCatalog;
import dev.tandem.PlanProvider;
import dev.tandem.plan.ColumnType;
import dev.tandem.postgres.ExecutionListener;
import dev.tandem.postgres.OldVersionGuard;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.postgres.metrics.TandemMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The auto-configuration's conditions and beans, without a database: the DataSource here is never connected to, so
 * the startup expand is switched off ({@code tandem.expand-on-startup=false}) wherever the context must start.
 */
class TandemAutoConfigurationTest {

    /** A DataSource no test connects to. */
    private static DataSource unused() {
        return new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:9/never");
    }

    private static final AutoConfigurations TANDEM = AutoConfigurations.of(
            TandemAutoConfiguration.class,
            TandemEndpointAutoConfiguration.class,
            TandemHealthContributorAutoConfiguration.class);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TANDEM)
            .withBean(DataSource.class, TandemAutoConfigurationTest::unused)
            .withPropertyValues("tandem.expand-on-startup=false");

    @Test
    void autoConfiguration_noDataSource_backsOff() {
        new ApplicationContextRunner()
                .withConfiguration(TANDEM)
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(PlanCatalog.class)
                        .doesNotHaveBean(PostgresMigrator.class)
                        .doesNotHaveBean(TandemMigrationInitializer.class)
                        .doesNotHaveBean(TandemHealthIndicator.class));
    }

    @Test
    void autoConfiguration_twoDataSourcesNoPrimary_backsOff() {
        runner.withBean("second", DataSource.class, TandemAutoConfigurationTest::unused)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PostgresMigrator.class));
    }

    @Test
    void autoConfiguration_disabled_backsOff() {
        runner.withPropertyValues("tandem.enabled=false")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(PlanCatalog.class)
                        .doesNotHaveBean(PostgresMigrator.class)
                        .doesNotHaveBean(TandemMigrationInitializer.class)
                        .doesNotHaveBean(TandemHealthIndicator.class));
    }

    @Test
    void autoConfiguration_defaults_beansWithDefaultOptions() {
        runner.run(context -> {
            assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(PlanCatalog.class)
                    .hasSingleBean(PostgresMigrator.class)
                    .hasSingleBean(TandemMigrationInitializer.class)
                    .hasSingleBean(TandemHealthIndicator.class)
                    .hasBean("tandemHealthIndicator")
                    .doesNotHaveBean(BackgroundBackfill.class)
                    .doesNotHaveBean(TandemMetrics.class)
                    // not exposed
                    .doesNotHaveBean(TandemEndpoint.class);
            assertThat(context.getBean(PostgresOptions.class))
                    .hasToString(PostgresOptions.defaults().toString());
            assertThat(context.getBean(PostgresMigrator.class).options())
                    .isSameAs(context.getBean(PostgresOptions.class));
            // from META-INF/services/dev.tandem.PlanProvider
            assertThat(context.getBean(PlanCatalog.class).ids()).containsExactly(TestPlans.WEIGHT_KG_ID);
        });
    }

    @Test
    void catalog_planAndProviderBeans_joinTheServiceLoadedPlansInIdOrder() {
        MigrationPlan early = MigrationPlan.named("0-parcels-note")
                .addColumn(TestPlans.PARCELS, "note", ColumnType.TEXT)
                .build();
        runner.withBean("labelPlan", MigrationPlan.class, () -> TestPlans.LABEL)
                .withBean(PlanProvider.class, () -> () -> List.of(early, TestPlans.WEIGHT_KG))
                .run(context -> assertThat(context.getBean(PlanCatalog.class).ids())
                        .containsExactly("0-parcels-note", TestPlans.WEIGHT_KG_ID, TestPlans.LABEL.id()));
    }

    @Test
    void catalog_twoDifferentPlansWithOneId_failsStartup() {
        runner.withBean("changed", MigrationPlan.class, () -> TestPlans.weightKg(ColumnType.numeric(12, 3)))
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("Two different plans have the same id: '" + TestPlans.WEIGHT_KG_ID));
    }

    @Test
    void properties_durationsAndLists_boundIntoOptions() {
        runner.withPropertyValues(
                        "tandem.default-schema=shop",
                        "tandem.state-schema=tandem_state",
                        "tandem.lock-timeout=200ms",
                        "tandem.lock-retry-deadline=3m",
                        "tandem.runner-lock-wait=45s",
                        "tandem.application-name=shop-migrator",
                        "tandem.old-version.application-names=shop-v1%,reports-2025%",
                        "tandem.old-version.roles[0]=shop_v1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    PostgresOptions o = context.getBean(PostgresOptions.class);
                    assertThat(o.defaultSchema().value()).isEqualTo("shop");
                    assertThat(o.stateSchema().value()).isEqualTo("tandem_state");
                    assertThat(o.lockTimeout()).isEqualTo(Duration.ofMillis(200));
                    assertThat(o.lockRetryDeadline()).isEqualTo(Duration.ofMinutes(3));
                    assertThat(o.runnerLockWait()).isEqualTo(Duration.ofSeconds(45));
                    assertThat(o.applicationName()).isEqualTo("shop-migrator");
                    assertThat(o.oldVersionGuard())
                            .isEqualTo(new OldVersionGuard(List.of("shop-v1%", "reports-2025%"), List.of("shop_v1")));
                    // what has no property keeps the default
                    assertThat(o.statementTimeout())
                            .isEqualTo(PostgresOptions.defaults().statementTimeout());
                    TandemProperties p = context.getBean(TandemProperties.class);
                    assertThat(p.isEnabled()).isTrue();
                    assertThat(p.isExpandOnStartup()).isFalse();
                    assertThat(p.isBackfillOnStartup()).isFalse();
                    assertThat(p.getBackfillThreads()).isEqualTo(1);
                    assertThat(p.getBackfillShutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(p.isFailOnLocked()).isFalse();
                });
    }

    @Test
    void properties_backfillThreadsZero_failsStartup() {
        runner.withPropertyValues("tandem.backfill-threads=0")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("tandem.backfill-threads must be at least 1 but was 0"));
    }

    @Test
    void properties_oldVersionPatternMatchingEverything_failsStartup() {
        runner.withPropertyValues("tandem.old-version.application-names=%")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("An old-version application_name pattern must name something, not '%': it would"
                                + " match every session, Tandem's own tools included"));
    }

    @Test
    void properties_lockTimeoutTooShort_failsStartupWithTheOptionsMessage() {
        runner.withPropertyValues("tandem.lock-timeout=1ms")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("lockTimeout must be at least PT0.01S but was PT0.001S"));
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        @Bean
        @Order(2)
        TandemOptionsCustomizer second() {
            return o -> o.withApplicationName(o.applicationName() + "-2");
        }

        @Bean
        @Order(1)
        TandemOptionsCustomizer first() {
            return o -> o.withApplicationName(o.applicationName() + "-1").withBatchSizes(10, 5, 20);
        }
    }

    @Test
    void customizers_appliedInOrderAfterTheProperties() {
        runner.withPropertyValues("tandem.application-name=app")
                .withUserConfiguration(Customizers.class)
                .run(context -> {
                    PostgresOptions o = context.getBean(PostgresOptions.class);
                    assertThat(o.applicationName()).isEqualTo("app-1-2");
                    assertThat(o.initialBatchSize()).isEqualTo(10);
                });
    }

    @Test
    void userBeans_win() {
        PlanCatalog catalog = PlanCatalog.of(TestPlans.LABEL);
        PostgresOptions options = PostgresOptions.defaults().withApplicationName("mine");
        PostgresMigrator migrator = PostgresMigrator.create(unused(), options);
        runner.withBean(PlanCatalog.class, () -> catalog)
                .withBean(PostgresOptions.class, () -> options)
                .withBean(PostgresMigrator.class, () -> migrator)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(PlanCatalog.class)).isSameAs(catalog);
                    assertThat(context.getBean(PostgresOptions.class)).isSameAs(options);
                    assertThat(context.getBean(PostgresMigrator.class)).isSameAs(migrator);
                    assertThat(context.getBean(StatusReader.class).migrator()).isSameAs(migrator);
                });
        TandemProperties mine = new TandemProperties();
        mine.setExpandOnStartup(false);
        TandemMigrationInitializer initializer = new TandemMigrationInitializer(migrator, catalog, mine);
        runner.withBean(TandemMigrationInitializer.class, () -> initializer)
                .withPropertyValues("tandem.expand-on-startup=true")
                .run(context -> assertThat(context.getBean(TandemMigrationInitializer.class))
                        .isSameAs(initializer));
    }

    @Test
    void metrics_meterRegistryBean_bindsTandemMetricsAfterTheCustomizers() {
        ExecutionListener listener = new ExecutionListener() {};
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(TandemOptionsCustomizer.class, () -> o -> o.withListener(listener))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(TandemMetrics.class);
                    PostgresOptions o = context.getBean(PostgresOptions.class);
                    // composed with the customizer's listener, not replaced by it
                    assertThat(o.listener()).isNotSameAs(listener).isNotSameAs(ExecutionListener.NONE);
                });
    }

    @Test
    void metrics_noMicrometerOnTheClassPath_noMeters() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(PostgresMigrator.class)
                        .doesNotHaveBean(TandemMetrics.class));
    }

    @Test
    void actuator_endpointExposed_endpointBean() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=tandem")
                .run(context -> assertThat(context).hasSingleBean(TandemEndpoint.class));
    }

    @Test
    void actuator_healthIndicatorDisabled_noIndicator() {
        runner.withPropertyValues("management.health.tandem.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TandemHealthIndicator.class));
    }

    @Test
    void actuator_notOnTheClassPath_noEndpointNoHealth() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=tandem")
                // spring-boot-actuator's classes
                .withClassLoader(new FilteredClassLoader(
                        "org.springframework.boot.actuate.endpoint", "org.springframework.boot.actuate.health"))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(PostgresMigrator.class)
                        .doesNotHaveBean(TandemEndpoint.class)
                        .doesNotHaveBean(TandemHealthIndicator.class));
    }

    @Test
    void backfillOnStartup_true_backgroundBackfillBean() {
        runner.withPropertyValues("tandem.backfill-on-startup=true", "tandem.backfill-threads=3")
                .withBean(PlanCatalog.class, () -> PlanCatalog.of())
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(BackgroundBackfill.class));
    }

    @Test
    void metadata_everyProperty_documented() throws Exception {
        JsonNode metadata;
        try (InputStream in =
                TandemProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
        Map<String, String> descriptions = new TreeMap<>();
        for (JsonNode p : metadata.get("properties")) {
            if (p.get("name").asText().startsWith("tandem.")) {
                descriptions.put(p.get("name").asText(), p.path("description").asText(""));
            }
        }
        assertThat(descriptions)
                .containsOnlyKeys(
                        "tandem.enabled",
                        "tandem.expand-on-startup",
                        "tandem.backfill-on-startup",
                        "tandem.backfill-threads",
                        "tandem.backfill-shutdown-timeout",
                        "tandem.default-schema",
                        "tandem.state-schema",
                        "tandem.lock-timeout",
                        "tandem.lock-retry-deadline",
                        "tandem.runner-lock-wait",
                        "tandem.application-name",
                        "tandem.fail-on-locked",
                        "tandem.old-version.application-names",
                        "tandem.old-version.roles")
                .allSatisfy(
                        (name, description) -> assertThat(description).as(name).endsWith("."));
        assertThat(descriptions.get("tandem.expand-on-startup"))
                .isEqualTo("Whether to run the expand phase of every pending plan while the application starts, before"
                        + " the beans that use the database. Tandem never contracts on startup.");
    }
}
