package dev.tandem.cli.internal;

import static java.util.Objects.requireNonNull;

import dev.tandem.postgres.BackfillListener;
import dev.tandem.postgres.BackfillProgress;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Shows backfill progress: on a terminal one line on stderr, rewritten in place ({@code \r}); elsewhere (a pipeline's
 * log) a plain line every interval, since a rewritten line would pile up as thousands of fragments.
 *
 * <p>Called on the backfill's thread only; not thread-safe.
 */
public final class ProgressReporter implements BackfillListener {

    /** The least time between two redraws of the live line: faster is only flicker. */
    static final Duration REDRAW = Duration.ofMillis(200);

    private final @Nullable LiveLine live;
    private final Consumer<String> log;
    private final Duration interval;
    private final LongSupplier nanoTime;

    private @Nullable String step;
    private long lastOutput;
    private int lastWidth;

    private ProgressReporter(@Nullable LiveLine live, Consumer<String> log, Duration interval, LongSupplier nanoTime) {
        this.live = live;
        this.log = requireNonNull(log, "log");
        this.interval = requireNonNull(interval, "interval");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * {@return a reporter that rewrites one line on {@code terminal}}
     *
     * @param terminal the terminal's stderr
     * @param nanoTime the clock
     */
    public static ProgressReporter live(LiveLine terminal, LongSupplier nanoTime) {
        return new ProgressReporter(requireNonNull(terminal, "terminal"), line -> {}, REDRAW, nanoTime);
    }

    /**
     * {@return a reporter that writes a line to {@code log} every {@code interval}, and at each step's end}
     *
     * @param log where the lines go
     * @param interval the least time between two lines
     * @param nanoTime the clock
     */
    public static ProgressReporter lines(Consumer<String> log, Duration interval, LongSupplier nanoTime) {
        return new ProgressReporter(null, log, interval, nanoTime);
    }

    @Override
    public void onProgress(BackfillProgress p) {
        long now = nanoTime.getAsLong();
        boolean newStep = !p.stepId().equals(step);
        boolean done = (p.rowsEstimated() >= 0 && p.rowsDone() >= p.rowsEstimated()) || p.lastBatchRows() == 0;
        if (newStep) {
            finish();
            step = p.stepId();
        } else if (!done && now - lastOutput < interval.toNanos()) {
            return;
        }
        lastOutput = now;
        String text = describe(p);
        LiveLine out = live;
        if (out == null) {
            log.accept(text);
            return;
        }
        // pad with spaces over the rest of a longer previous line
        out.draw(text + " ".repeat(Math.max(0, lastWidth - text.length())));
        lastWidth = text.length();
    }

    /** Ends the live line, so that what is printed next starts on a line of its own. */
    public void finish() {
        LiveLine out = live;
        if (out != null) {
            out.end();
        }
        lastWidth = 0;
    }

    /** {@return one line: step, table, rows done of the estimate, rate and ETA} */
    static String describe(BackfillProgress p) {
        StringBuilder b = new StringBuilder(96)
                .append(p.planId())
                .append(" - ")
                .append(p.stepId())
                .append(" (")
                .append(p.table())
                .append("): ")
                .append(p.rowsDone());
        if (p.rowsEstimated() >= 0) {
            b.append(" / ~").append(p.rowsEstimated()).append(" rows");
            if (p.rowsEstimated() > 0) {
                long percent = Math.min(100, Math.round(100.0 * p.rowsDone() / p.rowsEstimated()));
                b.append(" (").append(percent).append("%)");
            }
        } else {
            b.append(" rows");
        }
        b.append(", ")
                .append(String.format(Locale.ROOT, "%.0f", p.rowsPerSecond()))
                .append(" rows/s");
        Duration eta = p.eta();
        b.append(", ETA ").append(eta == null ? "unknown" : eta(eta));
        return b.toString();
    }

    /** {@return {@code 1h02m}, {@code 3m05s} or {@code 12s}} */
    static String eta(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
