package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Checks;
import java.nio.charset.StandardCharsets;

/**
 * A SQL identifier (a column, table or schema name) exactly as the database stores it: case-sensitive, never folded.
 * Renderers always quote it, so {@code Identifier.of("Order")} and {@code Identifier.of("order")} are different names.
 *
 * <p>Instances are immutable and thread-safe. The constructor rejects values that can never be a name (empty, blank,
 * containing NUL or other control characters); whether a name fits the target database (PostgreSQL allows at most
 * {@value #MAX_BYTES} bytes) is reported by {@link dev.tandem.MigrationPlan} validation together with every other
 * problem of the plan.
 *
 * @param value the name, as stored by the database
 */
public record Identifier(String value) implements Comparable<Identifier> {

    /** The longest identifier PostgreSQL keeps, in UTF-8 bytes; longer names are silently truncated by the server. */
    public static final int MAX_BYTES = 63;

    /**
     * Checks the name.
     *
     * @param value the name
     * @throws IllegalArgumentException if the value is empty, blank or contains a control character
     */
    public Identifier {
        requireNonNull(value, "value");
        Checks.argument(!value.isBlank(), "Identifier must not be empty or blank but was '%s'", value);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            Checks.argument(
                    !Character.isISOControl(c),
                    "Identifier '%s' contains the control character U+%04X at index %s; use a printable name",
                    value.replace("\0", "\\0"),
                    (int) c,
                    i);
        }
    }

    /**
     * {@return an identifier with this exact value}
     *
     * @param value the name, case-sensitive
     * @throws IllegalArgumentException if the value is empty, blank or contains a control character
     */
    public static Identifier of(String value) {
        return new Identifier(value);
    }

    /** {@return the length of the name in UTF-8 bytes, the unit PostgreSQL limits} */
    public int byteLength() {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@return the name quoted as PostgreSQL shows it in messages, for example {@code "street_address"}} */
    public String quoted() {
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    @Override
    public int compareTo(Identifier other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
