package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CustomersSchemaTest {

    @Test
    void copyText_specialCharacters_escaped() {
        assertThat(CustomersSchema.copyText("a\\b\tc\nd\re\u00A0f")).isEqualTo("a\\\\b\\tc\\nd\\re\u00A0f");
    }

    @Test
    void seed_sharesAboveOne_rejected() {
        assertThatThrownBy(() -> new CustomersSchema.Seed(10, 0.7, 0.5, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("malformedShare (0.7) and nullShare (0.5) must be >= 0 and add up to at most 1");
    }

    @Test
    void seed_negativeRows_rejected() {
        assertThatThrownBy(() -> new CustomersSchema.Seed(-1, 0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows must be >= 0 but was -1");
    }

    @Test
    void seedReport_malformed_sumsTheKinds() {
        CustomersSchema.SeedReport report =
                new CustomersSchema.SeedReport(100, 3, java.util.Map.of("LONG_ZIP", 2, "FIVE_PARTS", 5));

        assertThat(report.malformed()).isEqualTo(7);
    }
}
