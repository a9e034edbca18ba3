package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TrafficTest {

    @Test
    void stop_afterSomeOperations_countsEachOperationAndEveryException() {
        AtomicInteger failures = new AtomicInteger();
        Traffic traffic = new Traffic(
                "t",
                2,
                2_000,
                1,
                List.of(new Traffic.Mix("ok", 3, random -> {}), new Traffic.Mix("fails", 1, random -> {
                    failures.incrementAndGet();
                    throw new IllegalStateException("boom");
                })));
        traffic.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (traffic.stats().operations() < 200 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        Traffic.Stats stats = traffic.stop();

        assertThat(stats.operations()).isGreaterThanOrEqualTo(200);
        assertThat(stats.byOperation()).containsOnlyKeys("ok", "fails");
        assertThat(stats.byOperation().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(stats.operations());
        assertThat(stats.errors())
                .isEqualTo(failures.get())
                .isEqualTo(stats.byOperation().get("fails"));
        assertThat(stats.errorSamples()).isNotEmpty().hasSizeLessThanOrEqualTo(10);
        assertThat(stats.errorSamples().get(0)).isEqualTo("fails: java.lang.IllegalStateException: boom");
        assertThat(traffic.stats().operations()).isEqualTo(stats.operations());
    }
}
