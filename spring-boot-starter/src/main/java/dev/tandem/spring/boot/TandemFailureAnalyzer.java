package dev.tandem.spring.boot;

import dev.tandem.TandemException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a Tandem failure during startup into Spring Boot's "APPLICATION FAILED TO START" report: Tandem's message as the
 * description, and what to do about it at startup as the action. Listed in {@code META-INF/spring.factories}.
 */
final class TandemFailureAnalyzer extends AbstractFailureAnalyzer<TandemException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TandemException cause) {
        return new FailureAnalysis(String.valueOf(cause.getMessage()), action(cause), cause);
    }

    static String action(TandemException e) {
        String fix = switch (e.errorCode()) {
            case RUNNER_LOCKED ->
                "Another instance is running the plan. Let it finish, set tandem.runner-lock-wait to wait for it,"
                        + " or remove tandem.fail-on-locked=true to start without waiting.";
            case LOCK_TIMEOUT ->
                "Application sessions held the table's lock longer than Tandem retries. End the blocking"
                        + " session named above, or raise tandem.lock-retry-deadline, then start again: the"
                        + " expand resumes.";
            case PLAN_INVALID, SCHEMA_MISMATCH ->
                "Fix the plan (or the migration that should have created what it changes); nothing was changed.";
            case CHECKSUM_CHANGED ->
                "Deploy the plan as it started, roll it back with the Tandem CLI, or give the changed plan a new"
                        + " id.";
            case STATE_SCHEMA_NEWER -> "Deploy this application with a Tandem release at least as new.";
            default -> "See the message above; the work done so far is saved and a new start resumes it.";
        };
        return fix + " To start without expanding, set tandem.expand-on-startup=false (the new application version"
                + " needs its plans expanded and backfilled first).";
    }
}
