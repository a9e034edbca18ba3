package dev.tandem.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.tandem.PlanCatalog;
import dev.tandem.postgres.CatalogStatus;
import dev.tandem.postgres.PostgresMigrator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads where the catalog's plans stand and tells the observers (the Micrometer gauges), so that every read, by the
 * startup runner, the endpoint or the health indicator, refreshes them. Thread-safe.
 */
final class StatusReader implements Supplier<CatalogStatus> {

    /** Told of every status read. */
    @FunctionalInterface
    interface Observer {
        void statusRead(CatalogStatus status);
    }

    private final PostgresMigrator migrator;
    private final PlanCatalog catalog;
    private final List<Observer> observers;

    StatusReader(PostgresMigrator migrator, PlanCatalog catalog, List<Observer> observers) {
        this.migrator = requireNonNull(migrator, "migrator");
        this.catalog = requireNonNull(catalog, "catalog");
        this.observers = List.copyOf(observers);
    }

    PostgresMigrator migrator() {
        return migrator;
    }

    PlanCatalog catalog() {
        return catalog;
    }

    /** {@return the catalog's status, read now} */
    @Override
    public CatalogStatus get() {
        CatalogStatus status = migrator.status(catalog);
        observers.forEach(o -> o.statusRead(status));
        return status;
    }
}
