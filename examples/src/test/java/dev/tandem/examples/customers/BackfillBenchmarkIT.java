package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.examples.customers.BackfillBenchmark.Method;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The whole benchmark, tiny: its own PostgreSQL server, one round at 3,000 rows, a slow load and short trigger
 * measurements. Asserts what it produced, never how fast anything was.
 */
class BackfillBenchmarkIT {

    @Test
    void run_tinyConfiguration_everyMethodFillsTheRowsAndTheReportAndChartAreWritten() throws Exception {
        Path output = Path.of("target", "benchmark-it");
        Properties p = new Properties();
        p.setProperty(BackfillBenchmark.ROWS_PROPERTY, "3000");
        p.setProperty(BackfillBenchmark.ROUNDS_PROPERTY, "1");
        p.setProperty(BackfillBenchmark.TPS_PROPERTY, "40");
        p.setProperty(BackfillBenchmark.CLIENTS_PROPERTY, "2");
        p.setProperty(BackfillBenchmark.TRIGGER_SECONDS_PROPERTY, "0.3");
        p.setProperty(BackfillBenchmark.WARMUP_SECONDS_PROPERTY, "0.2");
        p.setProperty(BackfillBenchmark.OUTPUT_PROPERTY, output.toString());
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        BackfillBenchmark.Report report;
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            report = BackfillBenchmark.run(BackfillBenchmark.Config.fromProperties(p), out);
        }

        // Each run checked its rows (all filled, from their address where a trigger keeps them in sync) or threw.
        assertThat(report.sizes()).hasSize(1);
        BackfillBenchmark.SizeResult size = report.sizes().get(0);
        assertThat(size.alone())
                .extracting(BackfillBenchmark.AloneRun::method)
                .containsExactlyInAnyOrder(Method.values());
        assertThat(size.alone()).allSatisfy(run -> {
            assertThat(run.rows()).isEqualTo(3_000);
            assertThat(run.batches()).isPositive();
            assertThat(run.walBytes()).isPositive();
        });
        assertThat(size.alone())
                .filteredOn(run -> run.method() == Method.KEY_RANGE_LOOP)
                .extracting(BackfillBenchmark.AloneRun::batches)
                .containsExactly(1L);
        assertThat(size.alone())
                .filteredOn(run -> run.method() == Method.PGROLL_TEMPLATE)
                .extracting(BackfillBenchmark.AloneRun::batches)
                .containsExactly(3L);
        assertThat(size.loaded()).containsOnlyKeys(Method.values());
        assertThat(size.baseline()).hasSize(1);
        assertThat(size.baseline().get(0).latency().operations()).isPositive();
        assertThat(report.triggers().runs()).hasSize(3 * 2);
        assertThat(report.maxHeapBytes()).isPositive();

        String results = Files.readString(output.resolve("results.md"), StandardCharsets.UTF_8);
        for (Method m : Method.values()) {
            assertThat(results).contains("| " + m.label + " ");
        }
        assertThat(results)
                .contains("## 3,000 rows: median of 1 round")
                .contains("| baseline: the load, no backfill ")
                .contains("## Trigger overhead")
                .contains("| ADDRESS: ")
                .contains("| NAME: ")
                .contains("JVM heap used after a full GC")
                .contains("| fsync ")
                .contains("reproduced");
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("| " + Method.TANDEM.label + " ");

        BufferedImage chart = ImageIO.read(output.resolve("latency.png").toFile());
        assertThat(chart).isNotNull();
        assertThat(chart.getWidth()).isEqualTo(LatencyChart.WIDTH);
        assertThat(chart.getHeight()).isEqualTo(LatencyChart.HEIGHT);
    }
}
