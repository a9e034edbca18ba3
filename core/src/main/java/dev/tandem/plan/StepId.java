package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Checks;
import java.util.regex.Pattern;

/**
 * The id of a step, unique within its plan, such as {@code customers.address/backfill}. Ids appear in the state
 * tables, the event log and every message about the step, so they are short, printable and stable.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param value lower-case letters, digits and {@code . _ - /}, starting with a letter or digit, at most 200 chars
 */
public record StepId(String value) {

    static final Pattern SYNTAX = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,199}");

    /**
     * Checks the syntax.
     *
     * @param value the id
     * @throws IllegalArgumentException if the id does not match {@code [a-z0-9][a-z0-9._/-]{0,199}}
     */
    public StepId {
        requireNonNull(value, "value");
        Checks.argument(
                SYNTAX.matcher(value).matches(),
                "Step id '%s' is invalid: use 1-200 lower-case letters, digits, '.', '_', '-' or '/', starting with a letter or digit",
                value);
    }

    /**
     * {@return a step id}
     *
     * @param value the id
     * @throws IllegalArgumentException if the id is invalid
     */
    public static StepId of(String value) {
        return new StepId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
