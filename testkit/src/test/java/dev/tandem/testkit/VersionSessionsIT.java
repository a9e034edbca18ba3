package dev.tandem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.testkit.CompatibilityReport.Check;
import dev.tandem.testkit.CompatibilityReport.Outcome;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each version connects as its own role, with its own session settings and driver properties. */
@TandemTest
class VersionSessionsIT {

    /** Fails unless the session is the one declared below. */
    static DatabaseAction expectSession(String user, String timeZone, String applicationName, String searchPath) {
        return ds -> {
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_user, current_setting('TimeZone'),"
                            + " current_setting('application_name'), current_setting('search_path')")) {
                rs.next();
                List<String> seen = List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
                if (!seen.equals(List.of(user, timeZone, applicationName, searchPath))) {
                    throw new AssertionError("session is " + seen);
                }
                // the driver property reached pgjdbc: prepareThreshold=1 prepares on the server at once
                int threshold = c.unwrap(org.postgresql.PGConnection.class).getPrepareThreshold();
                if (applicationName.equals("billing-v2") && threshold != 1) {
                    throw new AssertionError("prepareThreshold is " + threshold);
                }
            }
        };
    }

    @Test
    void eachVersion_runsAsItsRole_withItsSettings(CompatibilityHarness harness) {
        CompatibilityReport report = harness.check(CustomersAddress.plan())
                .schema(CustomersAddress.SCHEMA)
                .seed(CustomersAddress.SEED)
                .oldVersion(CustomersAddress.v1()
                        .operation(
                                "session",
                                expectSession(
                                        "tandem_app", "America/Denver", "tandem-compat-old", "\"$user\", public")))
                .newVersion(CustomersAddress.v2()
                        .connectsAs(AppRole.named("tandem_app_v2")
                                .grant("SELECT, INSERT, UPDATE, DELETE ON customers")
                                .grant("USAGE ON SEQUENCE customers_id_seq"))
                        .connectionProperty("prepareThreshold", "1")
                        .sessionSetting("TimeZone", "UTC")
                        .operation("session", expectSession("tandem_app_v2", "UTC", "billing-v2", "public")))
                .run();

        assertThat(report.failures()).as("%s", report).isEmpty();
        assertThat(report.checks())
                .filteredOn(c -> c.operation().equals("session") && c.outcome() == Outcome.PASSED)
                .extracting(Check::version)
                .contains("v1", "v2");
    }

    @Test
    void aRoleWithoutItsGrants_failsWhereItWouldInProduction_theHarnessUserIsRefused(
            CompatibilityHarness harness, TestDatabase database) throws SQLException {
        CompatibilityReport report = harness.check(CustomersAddress.plan())
                .schema(CustomersAddress.SCHEMA)
                .seed(CustomersAddress.SEED)
                .oldVersion(CustomersAddress.v1()
                        .connectsAs(AppRole.named("tandem_reader").grant("SELECT ON customers")))
                .newVersion(CustomersAddress.v2())
                .run();

        assertThat(report.failures(CompatibilityState.BEFORE_EXPAND))
                .as("%s", report)
                .anyMatch(c -> c.toString().startsWith("BEFORE_EXPAND | v1 | insert customer: SQLState 42501"));

        CompatibilityReport asAdmin = harness.check(CustomersAddress.plan())
                .schema(CustomersAddress.SCHEMA)
                .oldVersion(CustomersAddress.v1().connectsAs(AppRole.named(database.user())))
                .newVersion(CustomersAddress.v2())
                .run();
        assertThat(asAdmin.failures())
                .as("%s", asAdmin)
                .anyMatch(c -> c.toString()
                        .startsWith("BEFORE_EXPAND | plan | create roles: java.lang.IllegalArgumentException: role "
                                + database.user() + " is the user the harness runs the migration as"));
        assertThat(asAdmin.checks()).anyMatch(c -> c.outcome() == Outcome.SKIPPED);
    }
}
