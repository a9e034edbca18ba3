package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.postgres.PostgresOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The settings table of configuration.md against {@link PostgresOptions#defaults()}: every wither has a row, and the
 * default the row states is the real one.
 */
class ConfigurationDefaultsTest {

    /** A row of the table: the wither, the default as the page writes it, and the real default. */
    record Row(String method, String shown, Function<PostgresOptions, Object> actual, Object expected) {}

    static final List<Row> ROWS = List.of(
            new Row("withDefaultSchema", "`public`", o -> o.defaultSchema().value(), "public"),
            new Row("withStateSchema", "`tandem`", o -> o.stateSchema().value(), "tandem"),
            new Row("withLockTimeout", "500 ms", PostgresOptions::lockTimeout, Duration.ofMillis(500)),
            new Row("withStatementTimeout", "30 s", PostgresOptions::statementTimeout, Duration.ofSeconds(30)),
            new Row("withLockRetryDeadline", "2 min", PostgresOptions::lockRetryDeadline, Duration.ofMinutes(2)),
            new Row(
                    "withRetryDelays",
                    "100 ms, 5 s",
                    o -> List.of(o.retryInitialDelay(), o.retryMaxDelay()),
                    List.of(Duration.ofMillis(100), Duration.ofSeconds(5))),
            new Row(
                    "withRunnerLockWait",
                    "0 (fail after a grace of 1 s)",
                    PostgresOptions::runnerLockWait,
                    Duration.ZERO),
            new Row(
                    "withBatchSizes",
                    "1,000, 100, 100,000",
                    o -> List.of(o.initialBatchSize(), o.minBatchSize(), o.maxBatchSize()),
                    List.of(1_000, 100, 100_000)),
            new Row("withMaxLockHold", "50 ms", PostgresOptions::maxLockHold, Duration.ofMillis(50)),
            new Row("withTargetBatchDuration", "200 ms", PostgresOptions::targetBatchDuration, Duration.ofMillis(200)),
            new Row("withBatchPause", "0", PostgresOptions::batchPause, Duration.ZERO),
            new Row(
                    "withBatchTimeouts",
                    "60 s, 2 s",
                    o -> List.of(o.batchStatementTimeout(), o.batchLockTimeout()),
                    List.of(Duration.ofSeconds(60), Duration.ofSeconds(2))),
            new Row(
                    "withHealthCheck",
                    "none; 1 s",
                    o -> List.of(o.healthCheck().isPresent(), o.healthCheckWait()),
                    List.of(false, Duration.ofSeconds(1))),
            new Row("withProgressLogInterval", "10 s", PostgresOptions::progressLogInterval, Duration.ofSeconds(10)),
            new Row("withVerifyBatchSize", "10,000", PostgresOptions::verifyBatchSize, 10_000),
            new Row("withApplicationName", "`tandem`", PostgresOptions::applicationName, "tandem"),
            new Row("withListener", "none", o -> o.listener() == dev.tandem.postgres.ExecutionListener.NONE, true),
            new Row("withOldVersionGuard", "none", o -> o.oldVersionGuard().isNone(), true),
            new Row(
                    "withBackfillListener",
                    "none",
                    o -> o.backfillListener() == dev.tandem.postgres.BackfillListener.NONE,
                    true),
            new Row("withBackfillFiringTriggers", "`false` (skip them)", PostgresOptions::backfillFiresTriggers, false),
            new Row(
                    "withBackfillSynchronousCommit",
                    "`false` (batches do not wait for the flush)",
                    PostgresOptions::backfillSynchronousCommit,
                    false));

    @Test
    void settingsTable_everyDefault_isTheRealOne() {
        PostgresOptions defaults = PostgresOptions.defaults();
        List<String> table = tableRows();
        for (Row row : ROWS) {
            assertThat(row.actual().apply(defaults)).as(row.method()).isEqualTo(row.expected());
            assertThat(table)
                    .as("the row of %s in configuration.md", row.method())
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("| `" + row.method() + "(")
                            .contains("| " + row.shown() + " |"));
        }
    }

    @Test
    void settingsTable_everyWither_hasARow() {
        List<String> withers = new ArrayList<>();
        for (var m : PostgresOptions.class.getMethods()) {
            if (m.getName().startsWith("with") && m.getDeclaringClass() == PostgresOptions.class) {
                withers.add(m.getName());
            }
        }
        assertThat(ROWS.stream().map(Row::method).toList()).containsExactlyInAnyOrderElementsOf(withers);
    }

    static List<String> tableRows() {
        List<String> out = new ArrayList<>();
        for (String line : Snippets.lines(Snippets.read(Snippets.docsDir().resolve("configuration.md")))) {
            if (line.startsWith("| `with")) {
                out.add(line);
            }
        }
        return out;
    }
}
