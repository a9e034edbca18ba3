package dev.tandem.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.PlanCatalog;
import dev.tandem.postgres.CatalogStatus;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.PostgresMigrator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Runs the expand phase of every pending plan of the catalog while the context starts, like Spring Boot's
 * {@code FlywayMigrationInitializer} runs Flyway: {@link PostgresMigrator#expandPending(PlanCatalog)}, in the catalog's
 * order. Spring Boot treats this bean as a database initializer: it runs after Flyway, Liquibase and SQL scripts, and
 * the beans that use the database are created after it. It never backfills (see
 * {@code tandem.backfill-on-startup}), verifies or contracts.
 *
 * <p>When another instance holds a pending plan's runner lock (ten pods starting at once), this one logs a warning
 * naming the plan and the session that holds it, leaves that plan and the ones after it to the holder, and lets the
 * application start; with {@code tandem.fail-on-locked} it fails instead. Any other failure fails the startup with
 * Tandem's message.
 *
 * <p>Thread-safe; runs once.
 */
public final class TandemMigrationInitializer implements InitializingBean {
    private static final Logger log = LoggerFactory.getLogger(TandemMigrationInitializer.class);

    private final PostgresMigrator migrator;
    private final PlanCatalog catalog;
    private final boolean expand;
    private final boolean failOnLocked;
    private final Supplier<CatalogStatus> status;

    /**
     * Creates the initializer.
     *
     * @param migrator runs the plans
     * @param catalog the plans
     * @param properties whether to expand ({@code tandem.expand-on-startup}) and whether another runner's lock fails
     *     the startup ({@code tandem.fail-on-locked})
     */
    public TandemMigrationInitializer(PostgresMigrator migrator, PlanCatalog catalog, TandemProperties properties) {
        this(migrator, catalog, properties, () -> migrator.status(catalog));
    }

    TandemMigrationInitializer(
            PostgresMigrator migrator,
            PlanCatalog catalog,
            TandemProperties properties,
            Supplier<CatalogStatus> status) {
        this.migrator = requireNonNull(migrator, "migrator");
        this.catalog = requireNonNull(catalog, "catalog");
        this.expand = properties.isExpandOnStartup();
        this.failOnLocked = properties.isFailOnLocked();
        this.status = requireNonNull(status, "status");
    }

    /**
     * Expands the pending plans, unless {@code tandem.expand-on-startup} is {@code false}.
     *
     * @throws dev.tandem.TandemException if a plan could not be expanded (or, with {@code tandem.fail-on-locked},
     *     another instance holds its runner lock); the plans before it stay expanded
     */
    @Override
    public void afterPropertiesSet() {
        if (catalog.isEmpty()) {
            log.info("Tandem: no plans (no PlanProvider in META-INF/services/dev.tandem.PlanProvider, no MigrationPlan"
                    + " or PlanProvider bean); nothing to expand");
            return;
        }
        if (!expand) {
            log.info("Tandem: tandem.expand-on-startup is false; not expanding the plans {}", catalog.ids());
            return;
        }
        long t0 = System.nanoTime();
        List<PlanStatus> expanded;
        try {
            expanded = migrator.expandPending(catalog);
        } catch (LockNotAcquiredException e) {
            if (e.errorCode() != ErrorCode.RUNNER_LOCKED || failOnLocked) {
                throw e;
            }
            backOff(e);
            return;
        }
        // The gauges are refreshed after startup; their first values come from here.
        CatalogStatus now = status.get();
        log.info(
                "Tandem: expanded {} of {} plans on startup in {} ms{}",
                expanded.size(),
                catalog.size(),
                (System.nanoTime() - t0) / 1_000_000,
                expanded.isEmpty()
                        ? ""
                        : ": " + expanded.stream().map(PlanStatus::planId).collect(Collectors.toList()));
        if (!now.pendingBackfill().isEmpty()) {
            log.info(
                    "Tandem: plans {} wait for their backfill; the new application version may use them only once it"
                            + " is done",
                    now.pendingBackfill().stream()
                            .map(CatalogStatus.PlanEntry::planId)
                            .toList());
        }
    }

    private void backOff(LockNotAcquiredException e) {
        String holders = e.blockers().isEmpty()
                ? "a runner that has just finished"
                : e.blockers().stream()
                        .map(LockNotAcquiredException.BlockingSession::describe)
                        .collect(Collectors.joining("; "));
        String state = status.get().plans().stream()
                .filter(p -> p.planId().equals(e.planId()))
                .map(p -> p.state().name())
                .findFirst()
                .orElse("unknown");
        log.warn(
                "{} - Another runner holds the plan's runner lock: {}. The plan is now {}; this instance leaves it and"
                        + " the pending plans after it to that runner and starts. Set tandem.runner-lock-wait to wait"
                        + " for it, or tandem.fail-on-locked=true to fail the startup instead.",
                e.planId(),
                holders,
                state);
    }
}
