package dev.tandem.spring.boot;

import static java.util.Objects.requireNonNull;
import static java.util.Objects.requireNonNullElse;

import dev.tandem.MigrationPlan;
import dev.tandem.PlanCatalog;
import dev.tandem.PlanProvider;
import dev.tandem.postgres.OldVersionGuard;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.postgres.metrics.TandemMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of Tandem: runs the pending expands of the application's plans on the application's
 * {@link DataSource} while it starts, the way Spring Boot runs Flyway, and never contracts.
 *
 * <p>Active when {@code tandem-postgres} is on the class path, the context has a single (or a primary)
 * {@code DataSource}, and {@code tandem.enabled} is not {@code false}. Each bean below backs off when the application
 * defines its own of the same type:
 *
 * <ul>
 *   <li>{@link PlanCatalog}: the plans of every {@link PlanProvider} in {@code META-INF/services/dev.tandem.PlanProvider}
 *       (through the context's class loader), with every {@link MigrationPlan} and {@code PlanProvider} bean;
 *   <li>{@link PostgresOptions}: from {@link TandemProperties}, then every {@link TandemOptionsCustomizer} bean in
 *       order, then, with Micrometer and a {@code MeterRegistry} bean, bound to {@link TandemMetrics};
 *   <li>{@link PostgresMigrator} on the {@code DataSource};
 *   <li>{@link TandemMigrationInitializer}, the startup expand: a database initializer that runs after Flyway,
 *       Liquibase and SQL scripts and before the beans that use the database;
 *   <li>with {@code tandem.backfill-on-startup}, a background backfill once the context has started;
 * </ul>
 *
 * <p>With Actuator, {@link TandemEndpointAutoConfiguration} and {@link TandemHealthContributorAutoConfiguration} add the
 * {@code tandem} endpoint and health indicator.
 *
 * <p>Nothing here calls contract, forced contract or rollback: those stay deliberate, for the CLI or the operator.
 */
@AutoConfiguration(
        after = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class, LiquibaseAutoConfiguration.class},
        afterName = {
            "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"
        })
@ConditionalOnClass(PostgresMigrator.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnProperty(prefix = "tandem", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(TandemProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public class TandemAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(TandemAutoConfiguration.class);

    TandemAutoConfiguration() {}

    @Bean
    @ConditionalOnMissingBean
    PlanCatalog tandemPlanCatalog(
            ConfigurableBeanFactory beanFactory,
            ObjectProvider<MigrationPlan> planBeans,
            ObjectProvider<PlanProvider> providerBeans) {
        ClassLoader loader =
                requireNonNullElse(beanFactory.getBeanClassLoader(), TandemAutoConfiguration.class.getClassLoader());
        List<MigrationPlan> plans = new ArrayList<>(PlanCatalog.load(loader).plans());
        planBeans.orderedStream().forEach(plans::add);
        providerBeans.orderedStream().forEach(p -> {
            List<MigrationPlan> provided =
                    requireNonNull(p.plans(), () -> p.getClass().getName() + ".plans() returned null");
            plans.addAll(provided);
        });
        PlanCatalog catalog = PlanCatalog.of(plans);
        log.debug("Tandem: catalog {}", catalog.ids());
        return catalog;
    }

    @Bean
    @ConditionalOnMissingBean
    PostgresOptions tandemPostgresOptions(
            TandemProperties properties, ObjectProvider<TandemOptionsCustomizer> customizers) {
        PostgresOptions options = options(properties);
        for (TandemOptionsCustomizer c : customizers.orderedStream().toList()) {
            PostgresOptions customized = c.customize(options);
            options = requireNonNull(customized, () -> "TandemOptionsCustomizer " + c + " returned null");
        }
        log.debug("Tandem: {}", options);
        return options;
    }

    @Bean
    @ConditionalOnMissingBean
    PostgresMigrator tandemMigrator(DataSource dataSource, PostgresOptions options) {
        return PostgresMigrator.create(dataSource, options);
    }

    @Bean
    StatusReader tandemStatusReader(
            PostgresMigrator migrator, PlanCatalog catalog, ObjectProvider<StatusReader.Observer> observers) {
        return new StatusReader(migrator, catalog, observers.orderedStream().toList());
    }

    @Bean
    @ConditionalOnMissingBean
    TandemMigrationInitializer tandemMigrationInitializer(StatusReader status, TandemProperties properties) {
        return new TandemMigrationInitializer(status.migrator(), status.catalog(), properties, status);
    }

    @Bean
    @ConditionalOnProperty(prefix = "tandem", name = "backfill-on-startup", havingValue = "true")
    BackgroundBackfill tandemBackgroundBackfill(StatusReader status, TandemProperties properties) {
        return new BackgroundBackfill(status, properties.getBackfillThreads(), properties.getBackfillShutdownTimeout());
    }

    /** {@return the options the properties give, from the defaults} */
    static PostgresOptions options(TandemProperties p) {
        PostgresOptions o = PostgresOptions.defaults();
        String defaultSchema = p.getDefaultSchema();
        if (defaultSchema != null) {
            o = o.withDefaultSchema(defaultSchema);
        }
        String stateSchema = p.getStateSchema();
        if (stateSchema != null) {
            o = o.withStateSchema(stateSchema);
        }
        Duration lockTimeout = p.getLockTimeout();
        if (lockTimeout != null) {
            o = o.withLockTimeout(lockTimeout);
        }
        Duration deadline = p.getLockRetryDeadline();
        if (deadline != null) {
            o = o.withLockRetryDeadline(deadline);
        }
        Duration wait = p.getRunnerLockWait();
        if (wait != null) {
            o = o.withRunnerLockWait(wait);
        }
        String applicationName = p.getApplicationName();
        if (applicationName != null) {
            o = o.withApplicationName(applicationName);
        }
        TandemProperties.OldVersion old = p.getOldVersion();
        if (!old.getApplicationNames().isEmpty() || !old.getRoles().isEmpty()) {
            o = o.withOldVersionGuard(new OldVersionGuard(old.getApplicationNames(), old.getRoles()));
        }
        return o;
    }

    /** Micrometer: Tandem's meters, bound into the options and refreshed on every status read. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        TandemMetrics tandemMetrics(MeterRegistry registry) {
            return new TandemMetrics(registry);
        }

        @Bean
        MetricsBinding tandemMetricsBinding(TandemMetrics metrics) {
            return new MetricsBinding(metrics);
        }
    }
}
