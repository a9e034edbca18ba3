package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AddressTest {

    @Test
    void toLine_fourParts_joinedWithCommaSpace() {
        assertThat(new Address("1 A St", "Town", "CA", "90001").toLine()).isEqualTo("1 A St, Town, CA, 90001");
    }

    @Test
    void isWellFormed_cleanParts_true() {
        assertThat(new Address("1 A St", "Town", "CA", "90001").isWellFormed()).isTrue();
    }

    @Test
    void isWellFormed_commaOrSurroundingSpaceOrBlank_false() {
        assertThat(new Address("1 A St, Apt 4", "Town", "CA", "90001").isWellFormed())
                .isFalse();
        assertThat(new Address(" 1 A St", "Town", "CA", "90001").isWellFormed()).isFalse();
        assertThat(new Address("1 A St", "Town", "", "90001").isWellFormed()).isFalse();
    }

    @Test
    void constructor_nullPart_rejected() {
        assertThatThrownBy(() -> new Address("1 A St", null, "CA", "90001"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("city");
    }
}
