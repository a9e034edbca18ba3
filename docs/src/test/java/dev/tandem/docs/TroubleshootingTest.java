package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tandem.DeriveColumns;
import dev.tandem.ErrorCode;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanValidationException;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.TableName;
import org.junit.jupiter.api.Test;

/** The one error of troubleshooting.md that needs no database: a plan that breaks the model's rules. */
class TroubleshootingTest {

    @Test
    void planInvalid_everyProblemReportedAtOnce() {
        TableName customers = TableName.of("customers");
        Throwable e = catchThrowable(() -> MigrationPlan.named("Customers Address Split")
                .deriveColumns(DeriveColumns.on(customers)
                        .from("address")
                        .into("street_address", ColumnType.varchar(255), GettingStartedIT.part(1))
                        .into("city", ColumnType.varchar(100), GettingStartedIT.part(2)))
                .addColumn(customers, "city", ColumnType.TEXT)
                .build());

        assertThat(e).isInstanceOf(PlanValidationException.class);
        assertThat(((PlanValidationException) e).errorCode()).isEqualTo(ErrorCode.PLAN_INVALID);
        assertThat(((PlanValidationException) e).violations()).hasSize(3);
        DocOutputs.check("troubleshooting.md", "plan-invalid", e.getMessage());
    }
}
