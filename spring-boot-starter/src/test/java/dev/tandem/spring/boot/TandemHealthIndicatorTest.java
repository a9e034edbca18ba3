package dev.tandem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.postgres.CatalogStatus;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** The health rules, on statuses made by hand. */
class TandemHealthIndicatorTest {

    private static PlanStatus plan(String id, PlanState state, @Nullable String lastError) {
        return new PlanStatus(id, "c0ffee", state, null, 0, -1, 0, lastError, null);
    }

    private static CatalogStatus catalog(List<CatalogStatus.PlanEntry> plans, List<PlanStatus> stored) {
        return new CatalogStatus(plans, stored, List.of(), 2);
    }

    private static Health health(CatalogStatus status) {
        return new TandemHealthIndicator(() -> status).health();
    }

    @Test
    void health_plansWaitingForTheirNextPhase_up() {
        Health h = health(catalog(
                List.of(
                        new CatalogStatus.PlanEntry(plan("1-a", PlanState.EXPANDED, null), false),
                        new CatalogStatus.PlanEntry(plan("2-b", PlanState.PENDING, null), false)),
                List.of(plan("0-old", PlanState.CONTRACTED, null))));
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsOnlyKeys("plans", "notInCatalog", "stateSchemaVersion");
        assertThat(h.getDetails().get("stateSchemaVersion")).isEqualTo(2);
        assertThat(h.getDetails().get("notInCatalog"))
                .isEqualTo(Map.of(
                        "0-old",
                        Map.of(
                                "state",
                                "CONTRACTED",
                                "rowsBackfilled",
                                0L,
                                "inconsistentRows",
                                -1L,
                                "unmappedRows",
                                0L,
                                "oldVersionMayRun",
                                false,
                                "newVersionMayRun",
                                true)));
    }

    @Test
    void health_checksumChanged_down() {
        Health h = health(catalog(
                List.of(new CatalogStatus.PlanEntry(plan("1-a", PlanState.BACKFILLED, null), true)), List.of()));
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(h.getDetails().get("problems"))
                .isEqualTo(List.of("Plan '1-a' changed after it started (state BACKFILLED): run it as it started, roll"
                        + " it back, or give the changed plan a new id"));
        assertThat(h.getDetails().get("plans"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .extractingByKey("1-a")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("checksumChanged", true);
    }

    @Test
    void health_orphanedPlan_down() {
        Health h = health(catalog(List.of(), List.of(plan("0-gone", PlanState.BACKFILLING, null))));
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(h.getDetails().get("problems"))
                .isEqualTo(List.of("Plan '0-gone' is BACKFILLING in the database but not in the catalog: put it back"
                        + " until it is contracted or rolled back"));
    }

    @Test
    void health_lastErrorInAnUnfinishedPhase_down() {
        Health h = health(catalog(
                List.of(new CatalogStatus.PlanEntry(
                        plan("1-a", PlanState.BACKFILLING, "Backfill step 'x' failed [TANDEM-0210]"), false)),
                List.of()));
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(h.getDetails().get("problems"))
                .isEqualTo(List.of("Plan '1-a' stopped in BACKFILLING: Backfill step 'x' failed [TANDEM-0210]"));
    }

    @Test
    void health_lastErrorWhileWaiting_up() {
        // a contract that failed before it dropped anything leaves the plan VERIFIED, with the error for the operator
        Health h = health(catalog(
                List.of(new CatalogStatus.PlanEntry(plan("1-a", PlanState.VERIFIED, "lock timeout"), false)),
                List.of()));
        assertThat(h.getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void health_statusReadFails_downWithTheMessage() {
        Health h = new TandemHealthIndicator(() -> {
                    throw new IllegalStateException("connection refused");
                })
                .health();
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(h.getDetails()).isEqualTo(Map.of("error", "IllegalStateException: connection refused"));
    }

    @Test
    void endpoint_plansAndSelector_fromTheStatus() {
        CatalogStatus status = catalog(
                List.of(new CatalogStatus.PlanEntry(plan("1-a", PlanState.EXPANDED, null), true)),
                List.of(plan("0-old", PlanState.ROLLED_BACK, null)));
        TandemEndpoint endpoint = new TandemEndpoint(() -> status);
        TandemEndpoint.TandemDescriptor d = endpoint.plans();
        assertThat(d.plans())
                .containsExactly(new TandemEndpoint.PlanDescriptor(
                        "1-a", PlanState.EXPANDED, true, false, 0, -1, 0, null, true, false, null));
        assertThat(d.notInCatalog())
                .containsExactly(new TandemEndpoint.PlanDescriptor(
                        "0-old", PlanState.ROLLED_BACK, false, true, 0, -1, 0, null, true, false, null));
        assertThat(d.stateSchemaVersion()).isEqualTo(2);
        assertThat(endpoint.plan("0-old")).isEqualTo(d.notInCatalog().get(0));
        assertThat(endpoint.plan("missing")).isNull();
    }
}
