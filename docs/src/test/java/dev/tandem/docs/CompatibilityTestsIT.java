package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.testkit.database.PostgresServer;
import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The samples of compatibility-tests.md that use the stable part of the test kit: a real PostgreSQL for tests. */
class CompatibilityTestsIT {

    @Test
    void testDatabase_freshPerTest_runsAPlanAndIsDroppedOnClose() throws Exception {
        String name;
        // tag::test-database[]
        PostgresServer server = PostgresServers.shared(TestPostgresConfig.fromEnvironment()); // one per JVM
        try (TestDatabase database = server.createDatabase("orders")) { // a new, empty database
            DataSource dataSource = database.dataSource(); // a HikariCP pool on it
            // create version 1's tables, then run the plan and both application versions against it
            // end::test-database[]
            name = database.name();
            DocsDatabase.run(dataSource, "customers.sql", "schema");
            MigrationPlan plan = GettingStartedIT.addressSplit();
            // tag::test-database[]
            PostgresMigrator migrator = PostgresMigrator.create(dataSource);
            migrator.expand(plan);
            // ...
            // end::test-database[]
            assertThat(migrator.runTo(plan, PlanState.CONTRACTED).state()).isEqualTo(PlanState.CONTRACTED);
            // tag::test-database[]
        } // closes the pools and drops the database
        // end::test-database[]
        assertThat(databaseExists(server, name)).isFalse();
    }

    static boolean databaseExists(PostgresServer server, String name) throws Exception {
        try (TestDatabase other = server.createDatabase("probe");
                Connection c = other.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }
}
