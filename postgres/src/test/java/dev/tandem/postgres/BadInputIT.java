package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.DeriveColumns;
import dev.tandem.ErrorCode;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanStateException;
import dev.tandem.PlanValidationException;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import dev.tandem.testkit.database.TestDatabase;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear error and changes nothing. */
class BadInputIT {

    static final List<String> V1_COLUMNS = List.of("id", "name", "email", "address", "created_at", "updated_at");

    TestDatabase db;
    DataSource ds;
    PostgresMigrator migrator;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("badinput");
        ds = db.dataSource();
        Db.customers(ds, 100);
        migrator = PostgresMigrator.create(ds);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    void assertNothingChanged() throws Exception {
        assertThat(Db.columns(ds, "customers")).containsExactlyElementsOf(V1_COLUMNS);
        assertThat(Db.triggers(ds, "customers")).isZero();
        assertThat(Db.schemaExists(ds, "tandem")).isFalse();
    }

    @Test
    void expand_unknownTableAndColumnAndTypo_allReportedAtOnce_nothingChanged() throws Exception {
        MigrationPlan plan = MigrationPlan.named("bad")
                .deriveColumns(DeriveColumns.on(TableName.of("customer"))
                        .from("address")
                        .into("city", ColumnType.TEXT, SqlExpression.trusted("address"))
                        .backward("address", SqlExpression.trusted("city")))
                .deriveColumns(DeriveColumns.on(TableName.of("customers"))
                        .from("adress")
                        .into("city", ColumnType.TEXT, SqlExpression.trusted("adress"))
                        .backward("adress", SqlExpression.trusted("city")))
                .build();
        assertThatThrownBy(() -> migrator.expand(plan))
                .isInstanceOfSatisfying(
                        PlanValidationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SCHEMA_MISMATCH))
                .hasMessage("Plan 'bad' does not fit the database (2 problems; nothing was changed):\n"
                        + "  - plan: table \"public\".\"customer\" does not exist (unqualified names resolve in"
                        + " PostgresOptions.defaultSchema, now public)\n"
                        + "  - customers.adress/sync: column \"adress\" does not exist in \"public\".\"customers\""
                        + " [TANDEM-0110]");
        assertNothingChanged();
    }

    @Test
    void expand_invalidExpression_reportedWithTheDatabasesError_nothingChanged() throws Exception {
        MigrationPlan plan = MigrationPlan.named("typo")
                .deriveColumns(DeriveColumns.on(TableName.of("customers"))
                        .from("address")
                        .into("city", ColumnType.TEXT, SqlExpression.trusted("split_prt(address, ',', 2)"))
                        .backward("address", SqlExpression.trusted("city")))
                .build();
        assertThatThrownBy(() -> migrator.expand(plan))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining(
                        "customers.address/sync: a mapping expression is invalid for \"public\".\"customers\":"
                                + " ERROR: function split_prt(text, unknown, integer) does not exist")
                .hasMessageContaining("(expressions: city <- split_prt(address, ',', 2); address <- city;");
        assertNothingChanged();
    }

    @Test
    void expand_columnAlreadyExists_rejected() throws Exception {
        MigrationPlan plan = MigrationPlan.named("dup")
                .addColumn(TableName.of("customers"), "email", ColumnType.TEXT)
                .build();
        assertThatThrownBy(() -> migrator.expand(plan))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining(
                        "customers.email/add: column \"email\" already exists in \"public\".\"customers\";"
                                + " the plan adds it");
        assertNothingChanged();
    }

    @Test
    void backfill_planChangedAfterItStarted_refusedAndNothingChanged() throws Exception {
        migrator.expand(Plans.addressPlan());
        MigrationPlan changed = MigrationPlan.named("customers-address-split")
                .deriveColumns(Plans.addressSplit(dev.tandem.plan.UnmappedPolicy.REJECT))
                .dropColumn(Plans.CUSTOMERS, "address")
                .build();

        assertThatThrownBy(() -> migrator.backfill(changed))
                .isInstanceOfSatisfying(
                        PlanStateException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CHECKSUM_CHANGED))
                .hasMessageStartingWith("Plan 'customers-address-split' changed after it started: its checksum is "
                        + changed.checksum().substring(0, 12) + " but "
                        + Plans.addressPlan().checksum().substring(0, 12)
                        + " was stored when it started (state EXPANDED). Nothing was changed.");
        assertThatThrownBy(() -> migrator.contract(changed)).isInstanceOf(PlanStateException.class);
        assertThatThrownBy(() -> migrator.rollback(changed)).isInstanceOf(PlanStateException.class);
        assertThat(migrator.status(Plans.addressPlan()).state()).isEqualTo(PlanState.EXPANDED);
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE street_address IS NOT NULL"))
                .isZero();
    }

    @Test
    void backfill_beforeExpand_refused() throws Exception {
        assertThatThrownBy(() -> migrator.backfill(Plans.addressPlan()))
                .isInstanceOf(PlanStateException.class)
                .hasMessage("Cannot backfill plan 'customers-address-split' in state PENDING: run expand first. Nothing"
                        + " was changed. [TANDEM-0400]");
        assertNothingChanged();
    }
}
