package dev.tandem.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DifferencesTest {
    record Address(String street, String city, String zip) {}

    record Customer(String name, Address address) {}

    @Test
    void between_records_namesTheDifferingComponents() {
        assertThat(Differences.between(
                        new Address("1 Main St", "Boston", "02101"), new Address("1 Main St", "Denver", null)))
                .isEqualTo("; differs in city (written Boston, read Denver), zip (written 02101, read null)");
    }

    @Test
    void between_nestedRecords_namesThePath() {
        assertThat(Differences.between(
                        new Customer("Ann", new Address("1 Main St", "Boston", "02101")),
                        new Customer("Ann", new Address("1 Main St", "Boston", ""))))
                .isEqualTo("; differs in address.zip (written 02101, read )");
    }

    @Test
    void between_maps_andLists_namesKeysAndIndexes() {
        assertThat(Differences.between(Map.of("city", "Boston"), Map.of("city", "Reno")))
                .isEqualTo("; differs in city (written Boston, read Reno)");
        assertThat(Differences.between(List.of("a", "b"), List.of("a", "c")))
                .isEqualTo("; differs in [1] (written b, read c)");
    }

    @Test
    void between_equalOrShapeless_saysNothing() {
        assertThat(Differences.between(new Address("a", "b", "c"), new Address("a", "b", "c")))
                .isEmpty();
        assertThat(Differences.between("Boston", "Reno")).isEmpty();
        assertThat(Differences.between(null, new Address("a", "b", "c"))).isEmpty();
    }
}
