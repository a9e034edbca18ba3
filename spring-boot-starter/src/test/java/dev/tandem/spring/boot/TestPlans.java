package dev.tandem.spring.boot;

import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanProvider;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import java.util.List;

/**
 * The tests' plans over {@code parcels(id bigint primary key, weight_grams int)}. {@link #WEIGHT_KG} comes from this
 * class as the {@link PlanProvider} in {@code META-INF/services}; {@link #LABEL} is given as a bean where a test needs a
 * second plan.
 */
public final class TestPlans implements PlanProvider {

    static final TableName PARCELS = TableName.of("parcels");

    static final String CREATE_PARCELS = "CREATE TABLE parcels (id bigint PRIMARY KEY, weight_grams integer)";

    static final String WEIGHT_KG_ID = "1-parcels-weight-kg";

    /** Weights in kilograms instead of grams: a sync trigger both ways, a backfill, and a contract that drops grams. */
    static final MigrationPlan WEIGHT_KG = weightKg(ColumnType.numeric(10, 3));

    /** A second plan, after the first in id order: a nullable column. */
    static final MigrationPlan LABEL = MigrationPlan.named("2-parcels-label")
            .addColumn(PARCELS, "label", ColumnType.TEXT)
            .build();

    /** The same id as {@link #WEIGHT_KG} with another type: a plan whose code changed after it started. */
    static MigrationPlan weightKg(ColumnType type) {
        return MigrationPlan.named(WEIGHT_KG_ID)
                .description("parcels.weight_grams becomes weight_kg")
                .deriveColumns(DeriveColumns.on(PARCELS)
                        .named("parcels.weight")
                        .from("weight_grams")
                        .into("weight_kg", type, SqlExpression.trusted("weight_grams / 1000.0"))
                        .backward("weight_grams", SqlExpression.trusted("round(weight_kg * 1000)::integer")))
                .dropColumn(PARCELS, "weight_grams")
                .build();
    }

    @Override
    public List<MigrationPlan> plans() {
        return List.of(WEIGHT_KG);
    }
}
