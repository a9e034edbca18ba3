package dev.tandem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.PlanStateException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/** The startup failure report. */
class TandemFailureAnalyzerTest {

    @Test
    void analyze_runnerLocked_tandemMessageAndWhatToDo() {
        LockNotAcquiredException e = new LockNotAcquiredException(
                ErrorCode.RUNNER_LOCKED,
                "1-a",
                "Cannot run expand of plan '1-a': another runner holds it",
                List.of(),
                null);
        FailureAnalysis analysis =
                new TandemFailureAnalyzer().analyze(new BeanCreationException("tandemMigrationInitializer", e));
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
                .isEqualTo("Cannot run expand of plan '1-a': another runner holds it [TANDEM-0310]");
        assertThat(analysis.getAction())
                .isEqualTo(
                        "Another instance is running the plan. Let it finish, set tandem.runner-lock-wait to wait for"
                                + " it, or remove tandem.fail-on-locked=true to start without waiting. To start without"
                                + " expanding, set tandem.expand-on-startup=false (the new application version needs its plans"
                                + " expanded and backfilled first).");
        assertThat(analysis.getCause()).isSameAs(e);
    }

    @Test
    void analyze_checksumChanged_saysHowToResolve() {
        PlanStateException e = new PlanStateException(ErrorCode.CHECKSUM_CHANGED, "1-a", "Plan '1-a' changed");
        assertThat(TandemFailureAnalyzer.action(e))
                .startsWith("Deploy the plan as it started, roll it back with the Tandem CLI, or give the changed plan"
                        + " a new id.");
    }

    @Test
    void analyzer_registeredInSpringFactories() throws IOException {
        List<String> registered = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
            Properties p = new Properties();
            try (InputStream in = url.openStream()) {
                p.load(in);
            }
            String analyzers = p.getProperty(FailureAnalyzer.class.getName(), "");
            registered.addAll(List.of(analyzers.split("\\s*,\\s*")));
        }
        assertThat(registered).contains(TandemFailureAnalyzer.class.getName());
    }
}
