package dev.tandem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.testkit.database.PostgresSource;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class TandemExtensionTest {
    private static final TestPostgresConfig ENVIRONMENT = TestPostgresConfig.defaults();

    @Test
    void resolve_noAttributes_keepsTheEnvironment() {
        TestPostgresConfig env = ENVIRONMENT.withMajorVersion(15).withSource(PostgresSource.EMBEDDED);

        assertThat(TandemExtension.resolve(env, 0, PostgresSource.AUTO)).isEqualTo(env);
    }

    @Test
    void resolve_attributes_overrideTheEnvironment() {
        TestPostgresConfig resolved = TandemExtension.resolve(
                ENVIRONMENT.withJdbcUrl("jdbc:postgresql://db/x"), 14, PostgresSource.TESTCONTAINERS);

        assertThat(resolved.majorVersion()).isEqualTo(14);
        assertThat(resolved.source()).isEqualTo(PostgresSource.TESTCONTAINERS);
        assertThat(resolved.jdbcUrl()).isEqualTo("jdbc:postgresql://db/x");
    }

    @Test
    void withPostgresVersion_belowTen_rejected() {
        assertThatThrownBy(() -> TandemExtension.create().withPostgresVersion(9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("majorVersion must be a PostgreSQL major version of 10 or later, but was 9");
    }

    static class CustomersAddressCompatibilityIT {}

    static class ABCTest {}

    static class A {}

    static class ThisIsAVeryLongTestClassNameThatGoesOnAndOnAndOnIT {}

    @Test
    void databasePrefix_className_snakeCase() {
        assertThat(TandemExtension.databasePrefix(CustomersAddressCompatibilityIT.class))
                .isEqualTo("customers_address_compatibility_it");
        assertThat(TandemExtension.databasePrefix(ABCTest.class)).isEqualTo("abc_test");
        assertThat(TandemExtension.databasePrefix(A.class)).isEqualTo("a");
    }

    @Test
    void databasePrefix_longName_cutAtFortyCharacters() {
        assertThat(TandemExtension.databasePrefix(ThisIsAVeryLongTestClassNameThatGoesOnAndOnAndOnIT.class))
                .isEqualTo("this_is_a_very_long_test_class_name_that")
                .hasSizeLessThanOrEqualTo(40);
    }

    @Test
    void unavailableMessage_external_namesWhatWasTriedAndTheCause() {
        // The major version is pinned: the message shows the configured one, whatever the default is.
        TestPostgresConfig config =
                ENVIRONMENT.withMajorVersion(17).withJdbcUrl("jdbc:postgresql://db:5432/postgres?password=secret");

        assertThat(TandemExtension.unavailableMessage(A.class, config, "Could not connect. Set X."))
                .isEqualTo("@TandemTest dev.tandem.testkit.TandemExtensionTest$A: no PostgreSQL for the test class;"
                        + " tried the existing server at TANDEM_TEST_JDBC_URL (TestPostgresConfig[source=AUTO,"
                        + " majorVersion=17, jdbcUrl=jdbc:postgresql://db:5432/postgres?password=***, user=null,"
                        + " password=null]). Could not connect. Set X.");
    }

    @Test
    void unavailableMessage_embeddedAndContainer_nameTheVersion() {
        assertThat(TandemExtension.unavailableMessage(A.class, ENVIRONMENT.withMajorVersion(14), "Cause."))
                .contains("; tried embedded PostgreSQL 14 (");
        assertThat(TandemExtension.unavailableMessage(
                        A.class, ENVIRONMENT.withMajorVersion(16).withSource(PostgresSource.TESTCONTAINERS), "Cause."))
                .contains("; tried a Testcontainers PostgreSQL 16 container (");
    }

    @Test
    void leakMessage_nothingLeft_null() {
        assertThat(TandemExtension.leakMessage("t()", 0, List.of())).isNull();
    }

    @Test
    void leakMessage_connectionsAndLocks_namesBoth() {
        assertThat(TandemExtension.leakMessage("t()", 2, List.of("key 0/1 held by pid 7 (app)")))
                .isEqualTo("Test t() left 2 connections of the test database's pool still in use: close every"
                        + " Connection from the DataSource (try-with-resources); and advisory locks still held (key"
                        + " 0/1 held by pid 7 (app)): release them with pg_advisory_unlock, or end the session that"
                        + " holds them.");
    }
}
