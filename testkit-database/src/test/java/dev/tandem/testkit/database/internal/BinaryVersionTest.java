package dev.tandem.testkit.database.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BinaryVersionTest {
    @Test
    void highest_numericOrder_notTextOrder() {
        assertThat(BinaryVersion.highest(List.of("17.2.0", "17.10.0", "17.9.1"), 17))
                .contains("17.10.0");
    }

    @Test
    void highest_buildSuffix_afterPlainVersion() {
        assertThat(BinaryVersion.highest(List.of("10.5.0", "10.5.0-1", "10.4.0"), 10))
                .contains("10.5.0-1");
    }

    @Test
    void highest_otherMajors_ignored() {
        assertThat(BinaryVersion.highest(List.of("1.0.0", "14.19.0", "17.6.0", "18.1.0"), 14))
                .contains("14.19.0");
        assertThat(BinaryVersion.highest(List.of("17.6.0", "18.1.0"), 1)).isEmpty();
    }

    @Test
    void highest_notVersions_ignored() {
        assertThat(BinaryVersion.highest(List.of("17.6.0-SNAPSHOT", "maven-metadata.xml", "17.x"), 17))
                .isEmpty();
    }
}
