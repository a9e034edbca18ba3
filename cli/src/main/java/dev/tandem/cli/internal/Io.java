package dev.tandem.cli.internal;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What a CLI run talks to: stdout (results only, so {@code --json} output can be piped), stderr (logs, progress,
 * errors), the environment, and whether a person watches a terminal. A seam for tests.
 *
 * @param out results
 * @param err everything else
 * @param env the environment variables
 * @param terminal stderr when a person watches a terminal (then backfill progress is one live line), else {@code null}
 * @param nanoTime the clock of progress output
 */
public record Io(
        PrintStream out,
        PrintStream err,
        Map<String, String> env,
        @Nullable LiveLine terminal,
        LongSupplier nanoTime) {

    /**
     * Checks and copies.
     *
     * @param out stdout
     * @param err stderr
     * @param env environment
     * @param terminal the terminal, or {@code null}
     * @param nanoTime clock
     */
    public Io {
        requireNonNull(out, "out");
        requireNonNull(err, "err");
        env = Map.copyOf(env);
        requireNonNull(nanoTime, "nanoTime");
    }
}
