package dev.tandem.testkit.database.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JdbcUrlsTest {
    @Test
    void mask_passwordParameter_masked() {
        assertThat(JdbcUrls.mask("jdbc:postgresql://db:5432/app?user=bob&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/app?user=bob&password=***&ssl=true");
    }

    @Test
    void mask_firstAndOtherPasswordParameters_allMasked() {
        assertThat(JdbcUrls.mask("jdbc:postgresql://db/app?password=a&sslpassword=b&PASSWORD=c"))
                .isEqualTo("jdbc:postgresql://db/app?password=***&sslpassword=***&PASSWORD=***");
    }

    @Test
    void mask_userInfo_masked() {
        assertThat(JdbcUrls.mask("jdbc:postgresql://bob:hunter2@db:5432/app"))
                .isEqualTo("jdbc:postgresql://bob:***@db:5432/app");
    }

    @Test
    void mask_noSecret_unchanged() {
        assertThat(JdbcUrls.mask("jdbc:postgresql://db:5432/app?user=bob&passwordless=true"))
                .isEqualTo("jdbc:postgresql://db:5432/app?user=bob&passwordless=true");
    }

    @Test
    void isPostgres_otherDriver_false() {
        assertThat(JdbcUrls.isPostgres("jdbc:postgresql://db/app")).isTrue();
        assertThat(JdbcUrls.isPostgres("jdbc:mysql://db/app")).isFalse();
    }

    @Test
    void parse_hostPortDatabaseParameters_split() {
        PgJdbcUrl url = PgJdbcUrl.parse("jdbc:postgresql://db1:5432,db2:5433/app?user=bob&ssl=true");

        assertThat(url)
                .isEqualTo(
                        new PgJdbcUrl("jdbc:postgresql://db1:5432,db2:5433/", "app", List.of("user=bob", "ssl=true")));
        assertThat(url.toString()).isEqualTo("jdbc:postgresql://db1:5432,db2:5433/app?user=bob&ssl=true");
    }

    @Test
    void withDatabase_keepsHostsAndParameters() {
        assertThat(PgJdbcUrl.parse("jdbc:postgresql://db/app?ssl=true")
                        .withDatabase("it_abc")
                        .toString())
                .isEqualTo("jdbc:postgresql://db/it_abc?ssl=true");
    }

    @Test
    void withDatabase_noDatabaseInUrl_added() {
        assertThat(PgJdbcUrl.parse("jdbc:postgresql://db:5432")
                        .withDatabase("it_abc")
                        .toString())
                .isEqualTo("jdbc:postgresql://db:5432/it_abc");
    }

    @Test
    void withDatabase_shortForm_replaced() {
        assertThat(PgJdbcUrl.parse("jdbc:postgresql:app?ssl=true")
                        .withDatabase("it_abc")
                        .toString())
                .isEqualTo("jdbc:postgresql:it_abc?ssl=true");
    }

    @Test
    void parameter_encodedValue_decoded() {
        PgJdbcUrl url = PgJdbcUrl.parse("jdbc:postgresql://db/app?user=bob&password=p%40ss%26word");

        assertThat(url.parameter("password")).isEqualTo("p@ss&word");
        assertThat(url.parameter("user")).isEqualTo("bob");
        assertThat(url.parameter("sslmode")).isNull();
    }

    @Test
    void withoutParameters_credentials_removedOthersKept() {
        assertThat(PgJdbcUrl.parse("jdbc:postgresql://db/app?user=bob&ssl=true&password=x")
                        .withoutParameters(Set.of("user", "password"))
                        .toString())
                .isEqualTo("jdbc:postgresql://db/app?ssl=true");
    }

    @Test
    void parse_otherDriver_rejectedWithPasswordMasked() {
        assertThatThrownBy(() -> PgJdbcUrl.parse("jdbc:h2:mem:x;password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Not a PostgreSQL JDBC URL (must start with jdbc:postgresql:): jdbc:h2:mem:x;password=***");
    }
}
