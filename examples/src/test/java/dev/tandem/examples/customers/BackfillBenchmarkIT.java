package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.examples.customers.BackfillBenchmark.Method;
import dev.tandem.testkit.database.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BackfillBenchmarkIT {

    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = Databases.fresh("bench_it");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void run_twoSmallRounds_timesBothMethodsOnTheSameRows() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        BackfillBenchmark.Result result;
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            result = BackfillBenchmark.run(db.dataSource(), 3_000, 2, out);
        }

        assertThat(result.runs())
                .extracting(BackfillBenchmark.Run::method)
                .containsExactly(
                        Method.SINGLE_UPDATE,
                        Method.TANDEM_BACKFILL,
                        Method.TANDEM_NO_CHECK,
                        Method.TANDEM_NO_CHECK,
                        Method.TANDEM_BACKFILL,
                        Method.SINGLE_UPDATE);
        assertThat(result.runs()).allSatisfy(run -> assertThat(run.rows()).isEqualTo(3_000));
        assertThat(result.ratio()).isPositive();
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("Median rows/s: single UPDATE ");
    }
}
