package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One version of the application under test, as the {@linkplain CompatibilityHarness compatibility harness} sees it:
 * a name, named operations (what the version does against the database: insert a customer, list orders, ...), and for
 * cross-version checks a {@linkplain #writes writer} and a {@linkplain #reads reader} per kind of record.
 *
 * <pre>{@code
 * AppVersion v1 = AppVersion.named("v1")
 *     .operation("list customers", ds -> repository(ds).findAll())
 *     .writes("customer", (ds, key) -> repository(ds).insert(key + "@example.com", addressFor(key)))
 *     .reads("customer", (ds, key) -> repository(ds).findByEmail(key + "@example.com").address());
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe: every method returns a new value and leaves the receiver unchanged. The
 * operations, writers and readers it holds must be thread-safe too.
 */
public final class AppVersion {
    /**
     * A named operation.
     *
     * @param name what the operation does, as shown in the compatibility matrix
     * @param action the operation
     */
    public record Operation(String name, DatabaseAction action) {
        /**
         * Checks the components.
         *
         * @param name the name, not blank
         * @param action the operation
         * @throws IllegalArgumentException if the name is blank
         */
        public Operation {
            requireNonNull(name, "name");
            requireNonNull(action, "action");
            if (name.isBlank()) {
                throw new IllegalArgumentException("an operation needs a name");
            }
        }
    }

    private final String name;
    private final List<Operation> operations;
    private final Map<String, RowWriter> writers;
    private final Map<String, RowReader> readers;

    private AppVersion(
            String name, List<Operation> operations, Map<String, RowWriter> writers, Map<String, RowReader> readers) {
        this.name = name;
        this.operations = List.copyOf(operations);
        // LinkedHashMap copies keep declaration order for the matrix; the fields are never handed out mutable.
        this.writers = Collections.unmodifiableMap(new LinkedHashMap<>(writers));
        this.readers = Collections.unmodifiableMap(new LinkedHashMap<>(readers));
    }

    /**
     * {@return a version with no operations yet}
     *
     * @param name the version's name as shown in the matrix, such as {@code v1} or {@code blue}
     * @throws IllegalArgumentException if the name is blank or longer than 20 characters
     */
    public static AppVersion named(String name) {
        requireNonNull(name, "name");
        if (name.isBlank() || name.length() > 20) {
            throw new IllegalArgumentException(
                    "a version name must be 1 to 20 characters, such as v1 or blue, but was '" + name + "'");
        }
        return new AppVersion(name, List.of(), Map.of(), Map.of());
    }

    /**
     * {@return a copy with one more operation; the receiver is unchanged}
     *
     * <p>An operation may read and write anything except the records the harness has the versions {@linkplain
     * #writes write}: those are checked against what their writer read back. Change seed rows or rows the operation
     * creates itself instead.
     *
     * @param name what the operation does, unique within this version, such as {@code "insert customer"}
     * @param action the operation
     * @throws IllegalArgumentException if the name is blank or already used by this version
     */
    public AppVersion operation(String name, DatabaseAction action) {
        Operation operation = new Operation(name, action);
        for (Operation existing : operations) {
            if (existing.name().equals(name)) {
                throw new IllegalArgumentException(
                        "version " + this.name + " already has an operation named '" + name + "'");
            }
        }
        List<Operation> next = new ArrayList<>(operations);
        next.add(operation);
        return new AppVersion(this.name, next, writers, readers);
    }

    /**
     * {@return a copy that writes records of kind {@code record} with {@code writer}; the receiver is unchanged}
     *
     * <p>The harness writes a record in every state where this version must work, reads it back with this version's
     * {@linkplain #reads reader} for the same kind (which this version must therefore have) to learn what was written,
     * and checks that every other version that must work reads the same value, then and in every later state.
     *
     * @param record the kind of record, such as {@code "customer"}; the same name in both versions
     * @param writer writes one record
     * @throws IllegalArgumentException if the name is blank or this version already writes that kind
     */
    public AppVersion writes(String record, RowWriter writer) {
        requireNonNull(record, "record");
        requireNonNull(writer, "writer");
        checkRecordName(record);
        if (writers.containsKey(record)) {
            throw new IllegalArgumentException("version " + name + " already writes '" + record + "'");
        }
        Map<String, RowWriter> next = new LinkedHashMap<>(writers);
        next.put(record, writer);
        return new AppVersion(name, operations, next, readers);
    }

    /**
     * {@return a copy that reads records of kind {@code record} with {@code reader}; the receiver is unchanged}
     *
     * @param record the kind of record, such as {@code "customer"}; the same name in both versions
     * @param reader reads one record and returns it in a representation both versions share
     * @throws IllegalArgumentException if the name is blank or this version already reads that kind
     */
    public AppVersion reads(String record, RowReader reader) {
        requireNonNull(record, "record");
        requireNonNull(reader, "reader");
        checkRecordName(record);
        if (readers.containsKey(record)) {
            throw new IllegalArgumentException("version " + name + " already reads '" + record + "'");
        }
        Map<String, RowReader> next = new LinkedHashMap<>(readers);
        next.put(record, reader);
        return new AppVersion(name, operations, writers, next);
    }

    private static void checkRecordName(String record) {
        if (record.isBlank()) {
            throw new IllegalArgumentException("a record kind needs a name, such as \"customer\"");
        }
    }

    /** {@return the version's name} */
    public String name() {
        return name;
    }

    /** {@return the named operations, in the order they were added} */
    public List<Operation> operations() {
        return operations;
    }

    /** {@return the writers by kind of record, in the order they were added; unmodifiable} */
    public Map<String, RowWriter> writers() {
        return writers;
    }

    /** {@return the readers by kind of record, in the order they were added; unmodifiable} */
    public Map<String, RowReader> readers() {
        return readers;
    }

    /** {@return the name, the operations' names and the kinds of record written and read} */
    @Override
    public String toString() {
        return "AppVersion[" + name + ", operations="
                + operations.stream().map(Operation::name).toList() + ", writes=" + writers.keySet() + ", reads="
                + readers.keySet() + "]";
    }
}
