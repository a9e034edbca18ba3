package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a table's {@code UPDATE} and {@code DELETE} records in the write-ahead log to identify the old row, for logical
 * replication and change-data capture.
 *
 * @param mode {@code DEFAULT} (the primary key), {@code FULL} (every column), {@code NOTHING} or {@code INDEX}
 * @param index for {@code INDEX}, the unique index; otherwise {@code null}
 */
public record ReplicaIdentity(String mode, @Nullable Identifier index) {

    /** The primary key's columns, PostgreSQL's default. */
    public static final ReplicaIdentity DEFAULT = new ReplicaIdentity("DEFAULT", null);

    /** Every column of the old row. */
    public static final ReplicaIdentity FULL = new ReplicaIdentity("FULL", null);

    /** Nothing: updates and deletes cannot be replicated. */
    public static final ReplicaIdentity NOTHING = new ReplicaIdentity("NOTHING", null);

    /**
     * Checks the components.
     *
     * @param mode the mode
     * @param index the index for {@code INDEX}
     */
    public ReplicaIdentity {
        requireNonNull(mode, "mode");
        boolean usesIndex = mode.equals("INDEX");
        if (!usesIndex && !mode.equals("DEFAULT") && !mode.equals("FULL") && !mode.equals("NOTHING")) {
            throw new IllegalArgumentException(
                    "replica identity must be DEFAULT, FULL, NOTHING or INDEX but was '" + mode + "'");
        }
        if (usesIndex != (index != null)) {
            throw new IllegalArgumentException("an INDEX replica identity names its index, and only it does");
        }
    }

    /**
     * {@return the columns of a unique index: not partial, not deferrable, on {@code NOT NULL} columns}
     *
     * @param index the index's name
     */
    public static ReplicaIdentity usingIndex(String index) {
        return new ReplicaIdentity("INDEX", Identifier.of(requireNonNull(index, "index")));
    }

    /** {@return the index, for {@code INDEX}} */
    public Optional<Identifier> indexName() {
        return Optional.ofNullable(index);
    }

    /** {@return the SQL after {@code REPLICA IDENTITY}} */
    public String sql() {
        Identifier i = index;
        return i == null ? mode : "USING INDEX " + i.quoted();
    }
}
