package dev.tandem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.TableName;
import dev.tandem.testkit.CompatibilityReport.Check;
import dev.tandem.testkit.CompatibilityReport.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * An extract table proven the way users prove theirs: v1 keeps the address in {@code customers}, v2 in its own table
 * {@code customer_addresses}; each reads what the other wrote in every state both run in, between every unit.
 */
@TandemTest
class MoveColumnsCompatibilityIT {

    static final MigrationPlan EXTRACT = MigrationPlan.named("customers-addresses")
            .moveColumns(
                    CustomersAddress.CUSTOMERS, List.of("address"), TableName.of("customer_addresses"), "customer_id")
            .build();

    @Test
    void extractTable_bothVersionsReadEachOthersWrites_inEveryState(CompatibilityHarness harness) {
        CompatibilityReport report = harness.check(EXTRACT)
                .schema(CustomersAddress.SCHEMA)
                .seed(CustomersAddress.SEED)
                .oldVersion(v1())
                .newVersion(v2())
                .assertCompatible();

        assertThat(report.checks()).extracting(Check::state).contains(CompatibilityState.values());
        assertThat(report.checks()).noneMatch(c -> c.outcome() == Outcome.SKIPPED);
        // the cross-version reads ran: v2 read v1's rows from the new table, v1 read v2's from its column
        assertThat(report.checks())
                .filteredOn(c -> c.operation().startsWith("read customer") && c.outcome() == Outcome.PASSED)
                .extracting(Check::state)
                .contains(CompatibilityState.BACKFILLED_VERIFIED);
    }

    /** v1: the address is a column of customers. */
    static AppVersion v1() {
        return AppVersion.named("v1")
                .operation(
                        "update address",
                        ds -> CustomersAddress.update(
                                ds, "UPDATE customers SET address = ? WHERE id = ?", "9 Elm St, Reno, NV, 89501"))
                .operation(
                        "list customers",
                        ds -> CustomersAddress.list(
                                ds, "SELECT id, name, email, address FROM customers ORDER BY id LIMIT 20"))
                .writes(
                        "customer",
                        (ds, key) -> CustomersAddress.v1Insert(
                                ds, key, CustomersAddress.addressFor(key).text()))
                .reads(
                        "customer",
                        (ds, key) -> CustomersAddress.string(
                                ds, "SELECT address FROM customers WHERE email = ?", CustomersAddress.email(key)));
    }

    /** v2: the address has a table of its own; customers has none. */
    static AppVersion v2() {
        return AppVersion.named("v2")
                .operation("insert customer", ds -> v2Insert(ds, "new-" + UUID.randomUUID()))
                .operation(
                        "update address",
                        ds -> CustomersAddress.update(
                                ds,
                                "UPDATE customer_addresses SET address = ? WHERE customer_id = ?",
                                "9 Elm St, Reno, NV, 89501"))
                .operation(
                        "list addresses",
                        ds -> CustomersAddress.list(
                                ds,
                                "SELECT c.id, c.name, a.address FROM customers c LEFT JOIN customer_addresses a"
                                        + " ON a.customer_id = c.id ORDER BY c.id LIMIT 20"))
                .writes("customer", (ds, key) -> v2Insert(ds, key))
                .reads("customer", MoveColumnsCompatibilityIT::v2Read);
    }

    static void v2Insert(DataSource ds, String key) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long id;
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO customers (name, email) VALUES (?, ?) RETURNING id")) {
                ps.setString(1, "Customer " + key);
                ps.setString(2, CustomersAddress.email(key));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO customer_addresses (customer_id, address) VALUES (?, ?)")) {
                ps.setLong(1, id);
                ps.setString(2, CustomersAddress.addressFor(key).text());
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    static @Nullable String v2Read(DataSource ds, String key) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT a.address FROM customers c JOIN customer_addresses a"
                        + " ON a.customer_id = c.id WHERE c.email = ?")) {
            ps.setString(1, CustomersAddress.email(key));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
