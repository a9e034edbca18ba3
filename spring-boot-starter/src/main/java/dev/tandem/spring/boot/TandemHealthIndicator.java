package dev.tandem.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.tandem.PlanCatalog;
import dev.tandem.postgres.CatalogStatus;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.PostgresMigrator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code tandem} health indicator: UP with every plan's state in the details; DOWN, with the reasons under
 * {@code problems}, when
 *
 * <ul>
 *   <li>a plan's code changed after it started (every phase of it is refused until that is resolved),
 *   <li>a plan still in flight is stored in the database but missing from the catalog (put it back until it is
 *       contracted or rolled back), or
 *   <li>a phase of a plan failed and has not finished ({@code EXPANDING}, {@code BACKFILLING}, {@code CONTRACTING} or
 *       {@code ROLLING_BACK} with a last error);
 * </ul>
 *
 * and DOWN with the error when the status cannot be read. Plans waiting for their next phase are not a problem: they
 * are UP.
 *
 * <p>Thread-safe.
 */
public final class TandemHealthIndicator implements HealthIndicator {

    private final Supplier<CatalogStatus> status;

    /**
     * Creates the indicator.
     *
     * @param migrator reads the plans' state
     * @param catalog the plans
     */
    public TandemHealthIndicator(PostgresMigrator migrator, PlanCatalog catalog) {
        this(() -> migrator.status(catalog));
    }

    TandemHealthIndicator(Supplier<CatalogStatus> status) {
        this.status = requireNonNull(status, "status");
    }

    /** {@return the plans' health, read from the database now} */
    @Override
    public Health health() {
        CatalogStatus s;
        try {
            s = status.get();
        } catch (RuntimeException e) {
            return Health.down()
                    .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .build();
        }
        List<String> problems = new ArrayList<>();
        Map<String, Object> plans = new LinkedHashMap<>();
        for (CatalogStatus.PlanEntry p : s.plans()) {
            plans.put(p.planId(), details(p.status(), p.checksumChanged()));
            if (p.checksumChanged()) {
                problems.add("Plan '" + p.planId() + "' changed after it started (state " + p.state() + "): run it"
                        + " as it started, roll it back, or give the changed plan a new id");
            }
            failed(p.status()).ifPresent(problems::add);
        }
        for (PlanStatus p : s.orphaned()) {
            problems.add("Plan '" + p.planId() + "' is " + p.state() + " in the database but not in the catalog:"
                    + " put it back until it is contracted or rolled back");
            failed(p).ifPresent(problems::add);
        }
        Health.Builder health = problems.isEmpty() ? Health.up() : Health.down();
        if (!problems.isEmpty()) {
            health.withDetail("problems", problems);
        }
        health.withDetail("plans", plans);
        if (!s.notInCatalog().isEmpty()) {
            Map<String, Object> stored = new LinkedHashMap<>();
            s.notInCatalog().forEach(p -> stored.put(p.planId(), details(p, false)));
            health.withDetail("notInCatalog", stored);
        }
        if (!s.oldVersionSessions().isEmpty()) {
            health.withDetail("oldVersionSessions", s.oldVersionSessions().size());
        }
        return health.withDetail("stateSchemaVersion", s.stateSchemaVersion()).build();
    }

    private static Optional<String> failed(PlanStatus p) {
        String error = p.lastError();
        if (error == null || !inFlight(p.state())) {
            return Optional.empty();
        }
        return Optional.of("Plan '" + p.planId() + "' stopped in " + p.state() + ": " + error);
    }

    private static boolean inFlight(PlanState state) {
        return switch (state) {
            case EXPANDING, BACKFILLING, CONTRACTING, ROLLING_BACK -> true;
            default -> false;
        };
    }

    private static Map<String, Object> details(PlanStatus p, boolean checksumChanged) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("state", p.state().name());
        if (checksumChanged) {
            d.put("checksumChanged", true);
        }
        d.put("rowsBackfilled", p.rowsBackfilled());
        d.put("inconsistentRows", p.inconsistentRows());
        d.put("unmappedRows", p.unmappedRows());
        d.put("oldVersionMayRun", p.oldVersionMayRun());
        d.put("newVersionMayRun", p.newVersionMayRun());
        String error = p.lastError();
        if (error != null) {
            d.put("lastError", error);
        }
        return d;
    }
}
