package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The samples of concepts.md that need no database: how a plan compiles to steps, and its checksum. */
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
    void canonicalForm_ofTheFirstPlan_isTheChecksumInput() {
        MigrationPlan plan = GettingStartedIT.addressSplit();
        DocOutputs.check(PAGE, "canonical-form", plan.canonicalForm());
        assertThat(plan.checksum()).hasSize(64);
    }
}
