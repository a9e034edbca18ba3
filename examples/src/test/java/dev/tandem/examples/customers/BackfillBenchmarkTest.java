package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tandem.examples.customers.BackfillBenchmark.AloneRun;
import dev.tandem.examples.customers.BackfillBenchmark.LatencyStats;
import dev.tandem.examples.customers.BackfillBenchmark.LoadedRun;
import dev.tandem.examples.customers.BackfillBenchmark.Method;
import dev.tandem.examples.customers.BackfillBenchmark.SizeResult;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackfillBenchmarkTest {

    @Test
    void median_oddAndEvenCounts_middleOrMeanOfTheTwoMiddle() {
        assertThat(BenchmarkStats.median(List.of(300.0, 100.0, 200.0))).isEqualTo(200.0);
        assertThat(BenchmarkStats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(BenchmarkStats.median(List.of(1.0, Double.NaN, 3.0))).isEqualTo(2.0);
        assertThat(BenchmarkStats.median(List.of())).isNaN();
    }

    @Test
    void percentile_nearestRank() {
        long[] values = {4, 1, 3, 2};

        assertThat(BenchmarkStats.percentile(values, 0.5)).isEqualTo(2.0);
        assertThat(BenchmarkStats.percentile(values, 0.75)).isEqualTo(3.0);
        assertThat(BenchmarkStats.percentile(values, 1.0)).isEqualTo(4.0);
        assertThat(BenchmarkStats.percentile(new long[] {7}, 0.99)).isEqualTo(7.0);
        assertThat(BenchmarkStats.percentile(new long[0], 0.5)).isNaN();
        assertThat(values).containsExactly(4, 1, 3, 2);
    }

    @Test
    void percentile_hundredValues_p99IsTheNinetyNinth() {
        long[] values = new long[100];
        for (int i = 0; i < values.length; i++) {
            values[i] = 100L - i;
        }

        assertThat(BenchmarkStats.percentile(values, 0.99)).isEqualTo(99.0);
        assertThat(BenchmarkStats.percentile(values, 0.50)).isEqualTo(50.0);
    }

    @Test
    void percentile_outOfRange_refused() {
        assertThatThrownBy(() -> BenchmarkStats.percentile(new long[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ratio_nanOrNonPositiveReference_isNan() {
        assertThat(BenchmarkStats.ratio(50, 200)).isEqualTo(0.25);
        assertThat(BenchmarkStats.ratio(50, 0)).isNaN();
        assertThat(BenchmarkStats.ratio(Double.NaN, 1)).isNaN();
        assertThat(BenchmarkStats.times(0.25)).isEqualTo("0.25×");
        assertThat(BenchmarkStats.times(Double.NaN)).isEqualTo("n/a");
        assertThat(BenchmarkStats.millis(3.14159)).isEqualTo("3.1");
        assertThat(BenchmarkStats.millis(3296.3)).isEqualTo("3,296");
    }

    @Test
    void markdownTable_padsColumnsAlignsNumbersRightAndEscapesPipes() {
        String table = MarkdownTable.of("method", "rows/s")
                .withRow("one UPDATE", "200,000")
                .withRow("a|b", "1")
                .render();

        assertThat(table).isEqualTo("""
                        | method     |  rows/s |
                        |:-----------|--------:|
                        | one UPDATE | 200,000 |
                        | a\\|b       |       1 |
                        """);
    }

    @Test
    void markdownTable_rowOfTheWrongWidth_refused() {
        assertThatThrownBy(() -> MarkdownTable.of("a", "b").withRow("only one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 cells but the header has 2");
    }

    @Test
    void schedule_operationIsDueAtStartPlusIOverRate() {
        AppLoad.Schedule schedule = new AppLoad.Schedule(1_000_000_000L, 200);

        assertThat(schedule.scheduledAt(0)).isEqualTo(1_000_000_000L);
        assertThat(schedule.scheduledAt(3)).isEqualTo(1_015_000_000L);
        assertThat(schedule.scheduledAt(200)).isEqualTo(2_000_000_000L);
    }

    @Test
    void schedule_latencyCountsFromTheScheduledStartNotFromTheSend() {
        AppLoad.Schedule schedule = new AppLoad.Schedule(0, 200);
        long due = schedule.scheduledAt(3); // 15 ms
        long sent = 35_000_000L; // 20 ms late: the workers were busy
        long ended = sent + 5_000_000L; // the database took 5 ms

        assertThat(AppLoad.Schedule.latency(due, ended)).isEqualTo(25_000_000L);
    }

    @Test
    void latencyStats_onlyOperationsScheduledInTheWindow() {
        List<AppLoad.Sample> samples = List.of(
                new AppLoad.Sample(500_000_000L, 1_000_000_000L, AppLoad.Kind.UPDATE, false), // before
                new AppLoad.Sample(1_000_000_000L, 1_000_000L, AppLoad.Kind.READ, false),
                new AppLoad.Sample(1_500_000_000L, 3_000_000L, AppLoad.Kind.UPDATE, true),
                new AppLoad.Sample(2_000_000_000L, 2_000_000L, AppLoad.Kind.READ, false),
                new AppLoad.Sample(2_500_000_000L, 9_000_000_000L, AppLoad.Kind.UPDATE, false)); // after

        LatencyStats stats = LatencyStats.of(samples, 1_000_000_000L, 2_000_000_000L);

        assertThat(stats.operations()).isEqualTo(3);
        assertThat(stats.errors()).isEqualTo(1);
        assertThat(stats.p50()).isEqualTo(2.0);
        assertThat(stats.p99()).isEqualTo(3.0);
        assertThat(stats.max()).isEqualTo(3.0);
    }

    @Test
    void sizeResult_ratiosAreMediansOverOneUpdatesMedians() {
        List<AloneRun> alone = List.of(
                new AloneRun(1, Method.SINGLE_UPDATE, 1_000, Duration.ofSeconds(1), 100, 1),
                new AloneRun(2, Method.SINGLE_UPDATE, 1_000, Duration.ofMillis(500), 100, 1),
                new AloneRun(3, Method.SINGLE_UPDATE, 1_000, Duration.ofSeconds(2), 100, 1),
                new AloneRun(1, Method.TANDEM, 1_000, Duration.ofSeconds(2), 110, 10),
                new AloneRun(2, Method.TANDEM, 1_000, Duration.ofSeconds(4), 130, 12),
                new AloneRun(3, Method.TANDEM, 1_000, Duration.ofSeconds(1), 120, 11));
        Map<Method, List<LoadedRun>> loaded = new EnumMap<>(Method.class);
        loaded.put(Method.TANDEM, List.of(loaded(1, 9), loaded(2, 6), loaded(3, 12)));
        List<LoadedRun> baseline = List.of(loaded(1, 2), loaded(2, 3), loaded(3, 4));

        SizeResult result = new SizeResult(1_000, 3, alone, loaded, baseline);

        // single: 1000, 2000, 500 rows/s -> 1000; Tandem: 500, 250, 1000 -> 500
        assertThat(result.throughputRatio(Method.TANDEM)).isCloseTo(0.5, within(1e-9));
        assertThat(result.walRatio(Method.TANDEM)).isCloseTo(1.2, within(1e-9));
        // p99 9, 6, 12 -> 9; baseline 2, 3, 4 -> 3
        assertThat(result.p99Ratio(Method.TANDEM)).isCloseTo(3.0, within(1e-9));
        assertThat(result.p99Ratio(Method.KEY_RANGE_LOOP)).isNaN();
        String table = result.table().render();
        assertThat(table.lines()).hasSize(2 + 1 + Method.values().length);
        assertThat(table)
                .contains("| Tandem ")
                .contains("0.50×")
                .contains("3.00×")
                .contains("1.20×");
    }

    private static LoadedRun loaded(int round, double p99) {
        return new LoadedRun(round, "x", 0, 1, new LatencyStats(10, 0, 1, p99, p99 + 1), List.of());
    }

    @Test
    void rotate_roundRStartsWithTheRthMethod() {
        assertThat(BackfillBenchmark.rotate(List.of("a", "b", "c"), 1)).containsExactly("b", "c", "a");
        assertThat(BackfillBenchmark.rotate(List.of("a", "b", "c"), 3)).containsExactly("a", "b", "c");
    }

    @Test
    void config_fromProperties_readsTheCommaListAndDefaults() {
        Properties p = new Properties();
        p.setProperty(BackfillBenchmark.ROWS_PROPERTY, "1_000_000, 2000000");
        p.setProperty(BackfillBenchmark.TRIGGER_SECONDS_PROPERTY, "0.5");

        BackfillBenchmark.Config config = BackfillBenchmark.Config.fromProperties(p);

        assertThat(config.sizes()).containsExactly(1_000_000, 2_000_000);
        assertThat(config.rounds()).isEqualTo(3);
        assertThat(config.tps()).isEqualTo(200);
        assertThat(config.triggerMeasurement()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.output()).isEqualTo(Path.of("target/benchmark"));
    }

    @Test
    void config_badValue_namesTheProperty() {
        Properties p = new Properties();
        p.setProperty(BackfillBenchmark.TPS_PROPERTY, "fast");

        assertThatThrownBy(() -> BackfillBenchmark.Config.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BackfillBenchmark.TPS_PROPERTY);
    }

    @Test
    void pgrollBatch_firstBatchHasNoLowerBoundAndLaterOnesTheLastKeyAsALiteral() {
        assertThat(BackfillBenchmark.pgrollBatch(null))
                .contains("WHERE \"_pgroll_needs_backfill\" = true ORDER BY \"id\" LIMIT 1000 FOR NO KEY UPDATE")
                .contains("SELECT LAST_VALUE(\"id\") OVER() FROM update");
        assertThat(BackfillBenchmark.pgrollBatch("1000")).contains("AND (\"id\") > ('1000')");
    }

    @Test
    void latencyChart_syntheticData_writesAReadablePngOfTheExpectedSize(@TempDir Path dir) throws Exception {
        List<LatencyChart.Series> series = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            double[] x = new double[500];
            double[] y = new double[500];
            for (int i = 0; i < x.length; i++) {
                x[i] = i / 100.0;
                y[i] = Math.pow(10, s) * (1 + (i % 7));
            }
            series.add(new LatencyChart.Series("series " + s, LatencyChart.PALETTE.get(s), x, y, 1, 4));
        }
        Path file = dir.resolve("charts/latency.png");

        LatencyChart.write(file, "synthetic", series);

        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(LatencyChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(LatencyChart.HEIGHT);
        assertThat(countPixels(image, LatencyChart.PALETTE.get(0))).isPositive();
    }

    @Test
    void latencyChart_noPoints_stillDrawsTheAxes() {
        BufferedImage image = LatencyChart.draw("empty", List.of());

        assertThat(image.getWidth()).isEqualTo(LatencyChart.WIDTH);
    }

    @Test
    void niceCeiling_isOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(LatencyChart.niceCeiling(7.3)).isEqualTo(10.0);
        assertThat(LatencyChart.niceCeiling(1.5)).isEqualTo(2.0);
        assertThat(LatencyChart.niceCeiling(0.3)).isCloseTo(0.5, within(1e-12));
        assertThat(LatencyChart.niceCeiling(20)).isEqualTo(20.0);
    }

    /** Pixels of exactly {@code color}: the legend's swatch is drawn opaque. */
    private static int countPixels(BufferedImage image, Color color) {
        int n = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }
}
