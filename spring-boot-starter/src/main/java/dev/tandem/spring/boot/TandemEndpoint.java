package dev.tandem.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.tandem.PlanCatalog;
import dev.tandem.postgres.CatalogStatus;
import dev.tandem.postgres.OldVersionSession;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.PostgresMigrator;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code tandem} Actuator endpoint: where every plan of the catalog stands, read from the database on each request
 * ({@code GET /actuator/tandem}, or {@code /actuator/tandem/{planId}} for one plan). Read-only: it runs no phase.
 * Expose it like any endpoint ({@code management.endpoints.web.exposure.include=health,tandem}).
 *
 * <p>Thread-safe.
 */
@Endpoint(id = "tandem")
public final class TandemEndpoint {

    private final Supplier<CatalogStatus> status;

    /**
     * Creates the endpoint.
     *
     * @param migrator reads the plans' state
     * @param catalog the plans
     */
    public TandemEndpoint(PostgresMigrator migrator, PlanCatalog catalog) {
        this(() -> migrator.status(catalog));
    }

    TandemEndpoint(Supplier<CatalogStatus> status) {
        this.status = requireNonNull(status, "status");
    }

    /**
     * {@return every plan of the catalog, the stored plans the catalog no longer has, the old version's connected
     * sessions and the version of Tandem's state tables}
     *
     * @throws dev.tandem.TandemException if the status could not be read
     */
    @ReadOperation
    public TandemDescriptor plans() {
        CatalogStatus s = status.get();
        return new TandemDescriptor(
                s.plans().stream()
                        .map(p -> PlanDescriptor.of(p.status(), p.checksumChanged(), false))
                        .toList(),
                s.notInCatalog().stream()
                        .map(p -> PlanDescriptor.of(p, false, true))
                        .toList(),
                s.oldVersionSessions(),
                s.stateSchemaVersion());
    }

    /**
     * {@return one plan, of the catalog or stored only, or {@code null} (404) if neither has it}
     *
     * @param planId the plan's id
     * @throws dev.tandem.TandemException if the status could not be read
     */
    @ReadOperation
    public @Nullable PlanDescriptor plan(@Selector String planId) {
        TandemDescriptor all = plans();
        return Stream.concat(all.plans().stream(), all.notInCatalog().stream())
                .filter(p -> p.id().equals(planId))
                .findFirst()
                .orElse(null);
    }

    /**
     * What the endpoint returns.
     *
     * @param plans the catalog's plans, in its order
     * @param notInCatalog plans stored in the database that the catalog no longer has
     * @param oldVersionSessions connected sessions of the old application version ({@code tandem.old-version.*})
     * @param stateSchemaVersion the layout version of Tandem's state tables, 0 before Tandem first ran
     */
    public record TandemDescriptor(
            List<PlanDescriptor> plans,
            List<PlanDescriptor> notInCatalog,
            List<OldVersionSession> oldVersionSessions,
            int stateSchemaVersion)
            implements OperationResponseBody {

        /**
         * Copies the lists.
         *
         * @param plans plans
         * @param notInCatalog stored plans not in the catalog
         * @param oldVersionSessions old-version sessions
         * @param stateSchemaVersion state schema version
         */
        public TandemDescriptor {
            plans = List.copyOf(plans);
            notInCatalog = List.copyOf(notInCatalog);
            oldVersionSessions = List.copyOf(oldVersionSessions);
        }
    }

    /**
     * One plan.
     *
     * @param id the plan's id
     * @param state where it stands
     * @param checksumChanged whether the plan in the code differs from the one that started
     * @param notInCatalog whether the plan is stored in the database but no longer in the catalog
     * @param rowsBackfilled rows the backfill filled so far
     * @param inconsistentRows rows the last verification found inconsistent, -1 if never verified
     * @param unmappedRows values recorded as unmapped and not yet fixed
     * @param lastError the last failure's message, or {@code null}
     * @param oldVersionMayRun whether the old application version may run
     * @param newVersionMayRun whether the new application version may run
     * @param updatedAt when the state last changed, or {@code null} if the plan never ran
     */
    public record PlanDescriptor(
            String id,
            PlanState state,
            boolean checksumChanged,
            boolean notInCatalog,
            long rowsBackfilled,
            long inconsistentRows,
            long unmappedRows,
            @Nullable String lastError,
            boolean oldVersionMayRun,
            boolean newVersionMayRun,
            @Nullable Instant updatedAt)
            implements OperationResponseBody {

        static PlanDescriptor of(PlanStatus s, boolean checksumChanged, boolean notInCatalog) {
            return new PlanDescriptor(
                    s.planId(),
                    s.state(),
                    checksumChanged,
                    notInCatalog,
                    s.rowsBackfilled(),
                    s.inconsistentRows(),
                    s.unmappedRows(),
                    s.lastError(),
                    s.oldVersionMayRun(),
                    s.newVersionMayRun(),
                    s.updatedAt());
        }
    }
}
