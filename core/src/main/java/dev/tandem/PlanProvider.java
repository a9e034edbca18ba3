package dev.tandem;

import java.util.List;

/**
 * Supplies some of an application's plans to a {@link PlanCatalog}. List each implementation in
 * {@code META-INF/services/dev.tandem.PlanProvider} (or {@code provides dev.tandem.PlanProvider with ...} in a module),
 * and {@link PlanCatalog#load()} finds it: no hand-kept list of plans in the deployment code.
 *
 * <pre>{@code
 * public final class ShopPlans implements PlanProvider {
 *     public List<MigrationPlan> plans() {
 *         return List.of(AddressSplit.PLAN, OrdersStatusEnum.PLAN);
 *     }
 * }
 * }</pre>
 *
 * <p>Implementations need a public no-argument constructor. {@link #plans()} may be called more than once and should
 * return the same plans each time.
 */
@FunctionalInterface
public interface PlanProvider {

    /** {@return this provider's plans, in any order; the catalog orders them by id} */
    List<MigrationPlan> plans();
}
