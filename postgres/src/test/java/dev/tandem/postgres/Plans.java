package dev.tandem.postgres;

import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;

/** Plans shared by the module's tests. */
public final class Plans {
    private Plans() {}

    public static final TableName CUSTOMERS = TableName.of("customers");

    /** The tutorial's split of customers.address into street_address, city, state and zip_code. */
    public static DeriveColumns addressSplit(UnmappedPolicy policy) {
        return DeriveColumns.on(CUSTOMERS)
                .named("customers.address")
                .from("address")
                .into(
                        "street_address",
                        ColumnType.varchar(255),
                        SqlExpression.trusted("trim(split_part(address, ',', 1))"))
                .into("city", ColumnType.varchar(100), SqlExpression.trusted("trim(split_part(address, ',', 2))"))
                .into("state", ColumnType.varchar(2), SqlExpression.trusted("trim(split_part(address, ',', 3))"))
                .into("zip_code", ColumnType.varchar(10), SqlExpression.trusted("trim(split_part(address, ',', 4))"))
                .backward(
                        "address",
                        SqlExpression.trusted(
                                "CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0 THEN NULL"
                                        + " ELSE concat_ws(', ', street_address, city, state, zip_code) END"))
                .mappableWhen(SqlExpression.trusted("address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$'"))
                .onUnmapped(policy);
    }

    public static MigrationPlan addressPlan(UnmappedPolicy policy) {
        return MigrationPlan.named("customers-address-split")
                .description("Split customers.address into structured columns")
                .deriveColumns(addressSplit(policy))
                .dropColumn(CUSTOMERS, "address")
                .build();
    }

    public static MigrationPlan addressPlan() {
        return addressPlan(UnmappedPolicy.RECORD);
    }
}
