package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The samples of concepts.md that need no database: how a plan compiles to steps, its checksum, which versions run. */
class ConceptsTest {

    static final String PAGE = "concepts.md";

    @Test
    void steps_ofTheFirstPlan_areExpandSyncBackfillContract() {
        MigrationPlan plan = GettingStartedIT.addressSplit();
        // tag::steps[]
        String steps = plan.steps().stream()
                .map(step -> step.phase() + " " + step.getClass().getSimpleName() + " " + step.id())
                .collect(Collectors.joining("\n"));
        // end::steps[]
        DocOutputs.check(PAGE, "steps", steps);
        assertThat(plan.steps()).hasSize(7);
    }

    @Test
    void versions_everyState_saysWhichVersionMayRun() {
        StringBuilder table = new StringBuilder(
                String.format(Locale.ROOT, "%-13s %-12s %s%n", "state", "old version", "new version"));
        for (PlanState state : PlanState.values()) {
            PlanStatus status = new PlanStatus("p", "c", state, null, 0, -1, 0, null, null);
            table.append(String.format(
                    Locale.ROOT,
                    "%-13s %-12s %s%n",
                    state,
                    status.oldVersionMayRun() ? "may run" : "-",
                    status.newVersionMayRun() ? "may run" : "-"));
        }
        DocOutputs.check(PAGE, "versions", table.toString().strip());
    }

    @Test
    void canonicalForm_ofTheFirstPlan_isTheChecksumInput() {
        MigrationPlan plan = GettingStartedIT.addressSplit();
        DocOutputs.check(PAGE, "canonical-form", plan.canonicalForm());
        assertThat(plan.checksum()).hasSize(64);
    }
}
