package dev.tandem.cli.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations of the CLI's options: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 5m}, {@code 1h30m},
 * {@code 0}, or ISO-8601 ({@code PT0.5S}). Stateless.
 */
public final class Durations {
    private Durations() {}

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(?:" + PART.pattern() + ")+");

    /** What every error message says the user can write. */
    static final String FORMS = "use a number with a unit (500ms, 2s, 1.5s, 5m, 1h30m), 0, or ISO-8601 (PT0.5S)";

    /**
     * {@return the duration {@code text} spells}
     *
     * @param text the text, such as {@code 500ms} or {@code PT2S}
     * @throws IllegalArgumentException if the text is no duration, or is negative; the message says what to write
     */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (t.startsWith("p") || t.startsWith("-p")) {
            Duration d;
            try {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 duration; " + FORMS, e);
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException("'" + text + "' is negative; durations must be 0 or more");
            }
            return d;
        }
        if (!WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; " + FORMS);
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            BigDecimal amount = new BigDecimal(m.group(1));
            long nanosPerUnit = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> 86_400_000_000_000L;
            };
            try {
                total = total.plusNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit))
                        .toBigInteger()
                        .longValueExact());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
            }
        }
        return total;
    }

    /** {@return the duration as the CLI's options spell it: {@code 500ms}, {@code 2s}, {@code 1m30s}} */
    static String format(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.toMillis() < 1000 || d.toMillisPart() != 0) {
            return d.toSeconds() < 60 ? d.toMillis() + "ms" : d.toString();
        }
        long h = d.toHours();
        int m = d.toMinutesPart();
        int s = d.toSecondsPart();
        return (h > 0 ? h + "h" : "") + (m > 0 ? m + "m" : "") + (s > 0 ? s + "s" : "");
    }
}
