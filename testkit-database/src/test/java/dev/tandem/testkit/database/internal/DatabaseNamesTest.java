package dev.tandem.testkit.database.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseNamesTest {
    @Test
    void newName_prefix_prefixUnderscoreAndTwelveRandomCharacters() {
        String name = DatabaseNames.newName("orders_it", new SplittableRandom(42));

        assertThat(name).matches("orders_it_[a-z0-9]{12}");
    }

    @Test
    void newName_longestPrefix_fitsIn63Bytes() {
        String name = DatabaseNames.newName("p".repeat(50), new SplittableRandom(1));

        assertThat(name.getBytes(UTF_8)).hasSize(63);
    }

    @Test
    void newName_twice_differs() {
        SplittableRandom random = new SplittableRandom(7);

        assertThat(DatabaseNames.newName("it", random)).isNotEqualTo(DatabaseNames.newName("it", random));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Orders", "1st", "orders-it", "ördek", "a b"})
    void newName_invalidPrefix_rejected(String prefix) {
        assertThatThrownBy(() -> DatabaseNames.newName(prefix, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Database name prefix must be 1 to 50 lower-case letters, digits and underscores, not"
                        + " starting with a digit, but was '" + prefix + "'");
    }

    @Test
    void newName_prefixOver50_rejected() {
        assertThatThrownBy(() -> DatabaseNames.newName("p".repeat(51), new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("but was '" + "p".repeat(51) + "'");
    }

    @Test
    void quote_embeddedDoubleQuote_isDoubled() {
        assertThat(Sql.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(Sql.quote("Bob")).isEqualTo("\"Bob\"");
    }
}
