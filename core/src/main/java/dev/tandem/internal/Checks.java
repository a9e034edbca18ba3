package dev.tandem.internal;

import com.google.errorprone.annotations.FormatMethod;
import java.util.Locale;

/** Argument checks that build their message only when they fail. */
public final class Checks {
    private Checks() {}

    /**
     * Throws {@link IllegalArgumentException} with a formatted message unless {@code condition} holds.
     *
     * @param condition what must hold
     * @param format message format, {@link String#format} style
     * @param args message arguments
     */
    @FormatMethod
    public static void argument(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, format, args));
        }
    }
}
