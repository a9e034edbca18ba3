package dev.tandem.examples.customers;

import dev.tandem.MigrationPlan;
import dev.tandem.PlanProvider;
import java.util.List;

/**
 * The example's plans, found by {@link dev.tandem.PlanCatalog#load()} through
 * {@code META-INF/services/dev.tandem.PlanProvider}: what the CLI and the Spring Boot starter run.
 */
public final class CustomersPlans implements PlanProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public CustomersPlans() {}

    @Override
    public List<MigrationPlan> plans() {
        return List.of(AddressSplitPlan.plan());
    }
}
