package dev.tandem.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms, 500",
        "2s, 2000",
        "1.5s, 1500",
        "0.25s, 250",
        "5m, 300000",
        "1h30m, 5400000",
        "2s500ms, 2500",
        "1d, 86400000",
        "0, 0",
        "0ms, 0",
        "' 2S ', 2000",
        "PT0.5S, 500",
        "pt2m, 120000",
        "P1DT1S, 86401000"
    })
    void parse_validForms(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "abc", "2 s", "s", "1.s", "-1s", "2sec", ""})
    void parse_noDuration_rejectedWithTheForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration; " + Durations.FORMS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT-1S", "-PT2S"})
    void parse_negativeIso_rejected(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is negative; durations must be 0 or more");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT", "P1X", "PTxS"})
    void parse_badIso_rejected(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not an ISO-8601 duration; " + Durations.FORMS);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "250, 250ms", "2000, 2s", "90000, 1m30s", "5400000, 1h30m", "1500, 1500ms"})
    void format_spellsAsTheOptions(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }
}
