package dev.tandem.cli.internal;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Writes one JSON document (RFC 8259), indented by two spaces. The CLI's only JSON output, so that the jar needs no
 * JSON library. Misuse (a value where a name is due, an unclosed object) throws {@link IllegalStateException}, so a
 * bug shows up as a failed command rather than as a document that does not parse.
 *
 * <p>Not thread-safe; one writer per document.
 */
public final class JsonWriter {

    private enum Scope {
        OBJECT,
        ARRAY
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(256);
    private final Deque<Scope> scopes = new ArrayDeque<>();
    /** Whether the innermost object or array has no member yet. */
    private boolean empty = true;
    /** Whether a name was written and its value is due. */
    private boolean nameWritten;

    private boolean complete;

    /** {@return a writer for a new document} */
    public static JsonWriter create() {
        return new JsonWriter();
    }

    private JsonWriter() {}

    /** {@return this writer} Opens an object. */
    @CanIgnoreReturnValue
    public JsonWriter beginObject() {
        beforeValue(true);
        out.append('{');
        scopes.push(Scope.OBJECT);
        empty = true;
        return this;
    }

    /** {@return this writer} Closes the innermost object. */
    @CanIgnoreReturnValue
    public JsonWriter endObject() {
        return close(Scope.OBJECT, '}');
    }

    /** {@return this writer} Opens an array. */
    @CanIgnoreReturnValue
    public JsonWriter beginArray() {
        beforeValue(true);
        out.append('[');
        scopes.push(Scope.ARRAY);
        empty = true;
        return this;
    }

    /** {@return this writer} Closes the innermost array. */
    @CanIgnoreReturnValue
    public JsonWriter endArray() {
        return close(Scope.ARRAY, ']');
    }

    /**
     * Writes the name of the next member of the innermost object.
     *
     * @param name the member's name
     * @return this writer
     */
    @CanIgnoreReturnValue
    public JsonWriter name(String name) {
        if (scopes.peek() != Scope.OBJECT || nameWritten) {
            throw new IllegalStateException("A name belongs directly inside an object, before its value: " + name);
        }
        separate();
        string(name);
        out.append(": ");
        nameWritten = true;
        return this;
    }

    /**
     * Writes a string, or {@code null}.
     *
     * @param value the value
     * @return this writer
     */
    @CanIgnoreReturnValue
    public JsonWriter value(@Nullable String value) {
        if (value == null) {
            return nullValue();
        }
        beforeValue(false);
        string(value);
        return this;
    }

    /**
     * Writes a number.
     *
     * @param value the value
     * @return this writer
     */
    @CanIgnoreReturnValue
    public JsonWriter value(long value) {
        beforeValue(false);
        out.append(value);
        return this;
    }

    /**
     * Writes a number; JSON has no NaN or infinity, so those become {@code null}.
     *
     * @param value the value
     * @return this writer
     */
    @CanIgnoreReturnValue
    public JsonWriter value(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return nullValue();
        }
        beforeValue(false);
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(String.format(Locale.ROOT, "%.3f", value));
        }
        return this;
    }

    /**
     * Writes {@code true} or {@code false}.
     *
     * @param value the value
     * @return this writer
     */
    @CanIgnoreReturnValue
    public JsonWriter value(boolean value) {
        beforeValue(false);
        out.append(value);
        return this;
    }

    /**
     * Writes an instant as an ISO-8601 string, or {@code null}.
     *
     * @param value the value
     * @return this writer
     */
    @CanIgnoreReturnValue
    public JsonWriter value(@Nullable Instant value) {
        return value(value == null ? null : value.toString());
    }

    /**
     * Writes a duration as its milliseconds, or {@code null}.
     *
     * @param value the value
     * @return this writer
     */
    @CanIgnoreReturnValue
    public JsonWriter millis(@Nullable Duration value) {
        return value == null ? nullValue() : value(value.toMillis());
    }

    /** {@return this writer} Writes {@code null}. */
    @CanIgnoreReturnValue
    public JsonWriter nullValue() {
        beforeValue(false);
        out.append("null");
        return this;
    }

    /**
     * {@return the document}
     *
     * @throws IllegalStateException if an object or array is still open, or nothing was written
     */
    @Override
    public String toString() {
        if (!complete || !scopes.isEmpty()) {
            throw new IllegalStateException("The JSON document is incomplete: " + out);
        }
        return out.toString();
    }

    private JsonWriter close(Scope scope, char bracket) {
        if (scopes.peek() != scope || nameWritten) {
            throw new IllegalStateException("Nothing to close with '" + bracket + "' here: " + out);
        }
        scopes.pop();
        if (!empty) {
            newline();
        }
        out.append(bracket);
        empty = false;
        complete = scopes.isEmpty();
        return this;
    }

    private void beforeValue(boolean container) {
        if (complete) {
            throw new IllegalStateException("A JSON document has one top-level value");
        }
        Scope scope = scopes.peek();
        if (scope == Scope.OBJECT) {
            if (!nameWritten) {
                throw new IllegalStateException("A value inside an object needs a name first");
            }
            nameWritten = false;
            empty = false;
        } else if (scope == Scope.ARRAY) {
            separate();
        }
        if (scope == null && !container) {
            complete = true; // a top-level object or array completes when it closes
        }
    }

    private void separate() {
        if (!empty) {
            out.append(',');
        }
        newline();
        empty = false;
    }

    private void newline() {
        out.append('\n');
        for (int i = 0; i < scopes.size(); i++) {
            out.append("  ");
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        // control characters must be escaped; DEL and the line separators only confuse readers
                        unicode(c);
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i)); // a valid pair: the character as it is
                    } else if (Character.isSurrogate(c)) {
                        unicode(c); // a lone surrogate cannot be encoded in UTF-8; the escape keeps it visible
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private void unicode(char c) {
        out.append("\\u")
                .append(HEX[(c >> 12) & 0xf])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}
