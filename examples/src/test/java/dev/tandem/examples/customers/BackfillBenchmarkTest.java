package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tandem.examples.customers.BackfillBenchmark.Method;
import dev.tandem.examples.customers.BackfillBenchmark.Run;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackfillBenchmarkTest {

    @Test
    void result_twoRunsEach_medianIsTheMeanAndRatioIsBackfillOverSingle() {
        BackfillBenchmark.Result result = new BackfillBenchmark.Result(List.of(
                new Run(1, Method.SINGLE_UPDATE, 1_000, Duration.ofSeconds(1), ""),
                new Run(1, Method.TANDEM_BACKFILL, 1_000, Duration.ofSeconds(2), ""),
                new Run(2, Method.TANDEM_BACKFILL, 1_000, Duration.ofSeconds(4), ""),
                new Run(2, Method.SINGLE_UPDATE, 1_000, Duration.ofMillis(500), "")));

        assertThat(result.median(Method.SINGLE_UPDATE)).isCloseTo(1_500, within(1e-6));
        assertThat(result.median(Method.TANDEM_BACKFILL)).isCloseTo(375, within(1e-6));
        assertThat(result.ratio()).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void result_threeRuns_medianIsTheMiddle() {
        BackfillBenchmark.Result result = new BackfillBenchmark.Result(List.of(
                new Run(1, Method.SINGLE_UPDATE, 300, Duration.ofSeconds(1), ""),
                new Run(2, Method.SINGLE_UPDATE, 100, Duration.ofSeconds(1), ""),
                new Run(3, Method.SINGLE_UPDATE, 200, Duration.ofSeconds(1), "")));

        assertThat(result.median(Method.SINGLE_UPDATE)).isCloseTo(200, within(1e-6));
        assertThat(result.median(Method.TANDEM_BACKFILL)).isNaN();
    }
}
