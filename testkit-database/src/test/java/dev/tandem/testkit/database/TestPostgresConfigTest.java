package dev.tandem.testkit.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TestPostgresConfigTest {
    private static Properties properties(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    @Test
    void fromSettings_nothingSet_defaults() {
        TestPostgresConfig config = TestPostgresConfig.fromSettings(new Properties(), Map.of());

        assertThat(config).isEqualTo(TestPostgresConfig.defaults());
        assertThat(config.source()).isEqualTo(PostgresSource.AUTO);
        assertThat(config.majorVersion()).isEqualTo(TestPostgresConfig.DEFAULT_MAJOR_VERSION);
        assertThat(config.jdbcUrl()).isNull();
        assertThat(config.user()).isNull();
        assertThat(config.password()).isNull();
    }

    @Test
    void fromSettings_environmentOnly_readsEverySetting() {
        Map<String, String> environment = Map.of(
                "TANDEM_TEST_JDBC_URL", "jdbc:postgresql://db:5432/app",
                "TANDEM_TEST_JDBC_USER", "alice",
                "TANDEM_TEST_JDBC_PASSWORD", "secret",
                "TANDEM_POSTGRES_VERSION", "14",
                "TANDEM_POSTGRES_SOURCE", "external");

        TestPostgresConfig config = TestPostgresConfig.fromSettings(new Properties(), environment);

        assertThat(config)
                .isEqualTo(new TestPostgresConfig(
                        PostgresSource.EXTERNAL, 14, "jdbc:postgresql://db:5432/app", "alice", "secret"));
    }

    @Test
    void fromSettings_propertyAndVariable_propertyWins() {
        Properties properties = properties(
                "tandem.test.jdbc.url", "jdbc:postgresql://from-property/db",
                "tandem.test.jdbc.user", "property-user",
                "tandem.test.jdbc.password", "property-password",
                "tandem.postgres.version", "15",
                "tandem.postgres.source", "embedded");
        Map<String, String> environment = Map.of(
                "TANDEM_TEST_JDBC_URL", "jdbc:postgresql://from-environment/db",
                "TANDEM_TEST_JDBC_USER", "environment-user",
                "TANDEM_TEST_JDBC_PASSWORD", "environment-password",
                "TANDEM_POSTGRES_VERSION", "14",
                "TANDEM_POSTGRES_SOURCE", "external");

        TestPostgresConfig config = TestPostgresConfig.fromSettings(properties, environment);

        assertThat(config)
                .isEqualTo(new TestPostgresConfig(
                        PostgresSource.EMBEDDED,
                        15,
                        "jdbc:postgresql://from-property/db",
                        "property-user",
                        "property-password"));
    }

    @Test
    void fromSettings_blankProperty_fallsBackToVariable() {
        TestPostgresConfig config = TestPostgresConfig.fromSettings(
                properties("tandem.postgres.version", "  "), Map.of("TANDEM_POSTGRES_VERSION", "14"));

        assertThat(config.majorVersion()).isEqualTo(14);
    }

    @Test
    void fromSettings_sourceInUpperCaseUnderTurkishLocale_parsed() {
        // Surefire runs with -Duser.language=tr: a default-locale toLowerCase would turn "I" into a dotless "ı".
        TestPostgresConfig config =
                TestPostgresConfig.fromSettings(new Properties(), Map.of("TANDEM_POSTGRES_SOURCE", " TESTCONTAINERS "));

        assertThat(config.source()).isEqualTo(PostgresSource.TESTCONTAINERS);
    }

    @Test
    void fromSettings_unknownSource_rejectedNamingTheSetting() {
        assertThatThrownBy(
                        () -> TestPostgresConfig.fromSettings(properties("tandem.postgres.source", "docker"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("System property tandem.postgres.source must be one of auto, external, testcontainers,"
                        + " embedded, but was 'docker'");
    }

    @Test
    void fromSettings_nonNumericVersion_rejectedNamingTheSetting() {
        assertThatThrownBy(() ->
                        TestPostgresConfig.fromSettings(new Properties(), Map.of("TANDEM_POSTGRES_VERSION", "17.6")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Environment variable TANDEM_POSTGRES_VERSION must be a PostgreSQL major version of 10 or"
                        + " later, such as 14 or 17, but was '17.6'");
    }

    @Test
    void fromSettings_versionBelow10_rejected() {
        assertThatThrownBy(() -> TestPostgresConfig.fromSettings(properties("tandem.postgres.version", "9"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("System property tandem.postgres.version must be a PostgreSQL major version of 10 or"
                        + " later, such as 14 or 17, but was '9'");
    }

    @Test
    void constructor_notAPostgresUrl_rejectedWithPasswordMasked() {
        assertThatThrownBy(() -> TestPostgresConfig.defaults().withJdbcUrl("jdbc:mysql://db/app?password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "jdbcUrl must start with jdbc:postgresql:, such as jdbc:postgresql://localhost:5432/postgres,"
                                + " but was 'jdbc:mysql://db/app?password=***'");
    }

    @Test
    void constructor_majorVersionBelow10_rejected() {
        assertThatThrownBy(() -> TestPostgresConfig.defaults().withMajorVersion(9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("majorVersion must be a PostgreSQL major version of 10 or later, such as 14 or 17, but"
                        + " was 9");
    }

    @Test
    void toString_passwordSet_masked() {
        TestPostgresConfig config = TestPostgresConfig.defaults()
                .withJdbcUrl("jdbc:postgresql://db/app?user=bob&password=hunter2")
                .withCredentials("bob", "hunter3");

        assertThat(config.toString())
                .isEqualTo("TestPostgresConfig[source=AUTO, majorVersion=" + TestPostgresConfig.DEFAULT_MAJOR_VERSION
                        + "," + " jdbcUrl=jdbc:postgresql://db/app?user=bob&password=***, user=bob, password=***]")
                .doesNotContain("hunter");
    }

    @Test
    void effectiveSource_autoWithUrl_external() {
        assertThat(TestPostgresConfig.defaults()
                        .withJdbcUrl("jdbc:postgresql://db/app")
                        .effectiveSource())
                .isEqualTo(PostgresSource.EXTERNAL);
    }

    @Test
    void effectiveSource_autoWithoutUrl_embedded() {
        assertThat(TestPostgresConfig.defaults().effectiveSource()).isEqualTo(PostgresSource.EMBEDDED);
    }

    @Test
    void withers_returnCopies_receiverUnchanged() {
        TestPostgresConfig defaults = TestPostgresConfig.defaults();

        TestPostgresConfig changed = defaults.withSource(PostgresSource.TESTCONTAINERS)
                .withMajorVersion(14)
                .withJdbcUrl("jdbc:postgresql://db/app")
                .withCredentials("bob", "pw");

        assertThat(changed)
                .isEqualTo(new TestPostgresConfig(
                        PostgresSource.TESTCONTAINERS, 14, "jdbc:postgresql://db/app", "bob", "pw"));
        assertThat(defaults)
                .isEqualTo(new TestPostgresConfig(
                        PostgresSource.AUTO, TestPostgresConfig.DEFAULT_MAJOR_VERSION, null, null, null));
    }

    @Test
    void settingValue_everySource_matchesSetting() {
        assertThat(PostgresSource.values())
                .extracting(PostgresSource::settingValue)
                .containsExactly("auto", "external", "testcontainers", "embedded");
    }
}
