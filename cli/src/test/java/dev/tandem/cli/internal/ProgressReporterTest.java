package dev.tandem.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.postgres.BackfillProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

    private final AtomicLong now = new AtomicLong();

    private static BackfillProgress progress(String step, long done, long estimated, Duration eta) {
        return new BackfillProgress(
                "plan", step, "public.customers", done, estimated, 1, 1000, 2500.4, eta, 1000, Duration.ofMillis(80));
    }

    @Test
    void lines_onePerIntervalAndAtTheEnd() {
        List<String> lines = new ArrayList<>();
        ProgressReporter r = ProgressReporter.lines(lines::add, Duration.ofSeconds(10), now::get);
        r.onProgress(progress("s1", 1000, 5000, Duration.ofSeconds(2)));
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        r.onProgress(progress("s1", 2000, 5000, Duration.ofSeconds(1)));
        now.addAndGet(Duration.ofSeconds(8).toNanos());
        r.onProgress(progress("s1", 3000, 5000, Duration.ofSeconds(1)));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        r.onProgress(progress("s1", 5000, 5000, Duration.ZERO));
        assertThat(lines)
                .containsExactly(
                        "plan - s1 (public.customers): 1000 / ~5000 rows (20%), 2500 rows/s, ETA 2s",
                        "plan - s1 (public.customers): 3000 / ~5000 rows (60%), 2500 rows/s, ETA 1s",
                        "plan - s1 (public.customers): 5000 / ~5000 rows (100%), 2500 rows/s, ETA 0s");
    }

    @Test
    void lines_newStep_printedAtOnce() {
        List<String> lines = new ArrayList<>();
        ProgressReporter r = ProgressReporter.lines(lines::add, Duration.ofSeconds(10), now::get);
        r.onProgress(progress("s1", 1000, 5000, Duration.ofSeconds(2)));
        r.onProgress(progress("s2", 10, 5000, Duration.ofSeconds(2)));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("plan - s2 ");
    }

    @Test
    void live_rewritesOneLineAndEndsIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressReporter r = ProgressReporter.live(new LiveLine(bytes), now::get);
        r.onProgress(progress("s1", 1000, 123456, Duration.ofSeconds(3725)));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        r.onProgress(progress("s1", 5000, 5000, Duration.ZERO));
        r.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        String first = "plan - s1 (public.customers): 1000 / ~123456 rows (1%), 2500 rows/s, ETA 1h02m";
        String second = "plan - s1 (public.customers): 5000 / ~5000 rows (100%), 2500 rows/s, ETA 0s";
        // the shorter second line is padded over the rest of the first
        assertThat(out).isEqualTo("\r" + first + "\r" + second + " ".repeat(first.length() - second.length()) + "\n");
    }

    @Test
    void live_fasterThanRedraw_skipsLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressReporter r = ProgressReporter.live(new LiveLine(bytes), now::get);
        r.onProgress(progress("s1", 1000, 5000, Duration.ofSeconds(2)));
        now.addAndGet(Duration.ofMillis(50).toNanos());
        r.onProgress(progress("s1", 2000, 5000, Duration.ofSeconds(2)));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("2000 /");
    }

    @Test
    void finish_withoutProgress_printsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressReporter r = ProgressReporter.live(new LiveLine(bytes), now::get);
        r.finish();
        assertThat(bytes.size()).isZero();
    }

    @Test
    void live_otherOutput_startsOnALineOfItsOwn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveLine line = new LiveLine(bytes);
        PrintStream err = new PrintStream(line, true, StandardCharsets.UTF_8);
        ProgressReporter r = ProgressReporter.live(line, now::get);
        r.onProgress(progress("s1", 1000, 5000, Duration.ofSeconds(2)));
        err.println("INFO Backfill completed");
        r.finish(); // the log line ended the live line already
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("\rplan - s1 (public.customers): 1000 / ~5000 rows (20%), 2500 rows/s, ETA 2s\n"
                        + "INFO Backfill completed" + System.lineSeparator());
    }

    @Test
    void describe_unknownEstimateAndEta() {
        BackfillProgress p =
                new BackfillProgress("plan", "s1", "t", 70, -1, 1, 100, 0.0, null, 70, Duration.ofMillis(5));
        assertThat(ProgressReporter.describe(p)).isEqualTo("plan - s1 (t): 70 rows, 0 rows/s, ETA unknown");
    }

    @Test
    void eta_formats() {
        assertThat(ProgressReporter.eta(Duration.ofSeconds(12))).isEqualTo("12s");
        assertThat(ProgressReporter.eta(Duration.ofSeconds(185))).isEqualTo("3m05s");
        assertThat(ProgressReporter.eta(Duration.ofSeconds(3725))).isEqualTo("1h02m");
    }
}
