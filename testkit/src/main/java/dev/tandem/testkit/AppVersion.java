package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

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
 * <p>A version may also {@linkplain #changes change} existing records, declare the {@linkplain #query queries} that
 * must keep their index, and connect as {@linkplain #connectsAs its own role} with its own {@linkplain #sessionSetting
 * session settings} and {@linkplain #connectionProperty driver properties}, as its servers do in production.
 *
 * <p>Instances are immutable and thread-safe: every method returns a new value and leaves the receiver unchanged. The
 * operations, writers and readers it holds must be thread-safe too.
 */
public final class AppVersion {
    /** A configuration parameter's name, such as {@code TimeZone} or {@code myapp.tenant}. */
    private static final Pattern SETTING = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

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
    private final @Nullable AppRole role;
    private final Map<String, String> sessionSettings;
    private final Map<String, String> connectionProperties;
    private final Map<String, String> queries;
    private final List<Change> changes;

    private AppVersion(
            String name,
            List<Operation> operations,
            Map<String, RowWriter> writers,
            Map<String, RowReader> readers,
            @Nullable AppRole role,
            Map<String, String> sessionSettings,
            Map<String, String> connectionProperties,
            Map<String, String> queries,
            List<Change> changes) {
        this.name = name;
        this.operations = List.copyOf(operations);
        // LinkedHashMap copies keep declaration order for the matrix; the fields are never handed out mutable.
        this.writers = Collections.unmodifiableMap(new LinkedHashMap<>(writers));
        this.readers = Collections.unmodifiableMap(new LinkedHashMap<>(readers));
        this.role = role;
        this.sessionSettings = Collections.unmodifiableMap(new LinkedHashMap<>(sessionSettings));
        this.connectionProperties = Collections.unmodifiableMap(new LinkedHashMap<>(connectionProperties));
        this.queries = Collections.unmodifiableMap(new LinkedHashMap<>(queries));
        this.changes = List.copyOf(changes);
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
        return new AppVersion(name, List.of(), Map.of(), Map.of(), null, Map.of(), Map.of(), Map.of(), List.of());
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
        return new AppVersion(
                this.name, next, writers, readers, role, sessionSettings, connectionProperties, queries, changes);
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
        return new AppVersion(
                name, operations, next, readers, role, sessionSettings, connectionProperties, queries, changes);
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
        return new AppVersion(
                name, operations, writers, next, role, sessionSettings, connectionProperties, queries, changes);
    }

    /**
     * {@return a copy that connects as {@code role} instead of as the plan's owner; the receiver is unchanged}
     *
     * <p>By default a version connects as the user the test database hands out, which owns every table and therefore
     * passes every privilege check. An application in production connects as its own role, with the privileges a
     * database administrator granted: declare that role here, and the harness creates it, grants what it names before
     * the migration and runs this version's operations, writers and readers as that role. A plan that creates a table
     * the role may not read, or a trigger that needs a privilege the role lacks, then fails where it would in
     * production.
     *
     * @param role the role; both versions may name the same one
     */
    public AppVersion connectsAs(AppRole role) {
        requireNonNull(role, "role");
        return new AppVersion(
                name, operations, writers, readers, role, sessionSettings, connectionProperties, queries, changes);
    }

    /**
     * {@return a copy whose sessions start with the setting {@code name} at {@code value}; the receiver is unchanged}
     *
     * <p>Models a version whose servers run with other session defaults than the migrator: another {@code TimeZone},
     * {@code search_path}, {@code DateStyle}, {@code statement_timeout}, or an {@code application_name} that a
     * monitoring query or a trigger looks at. The harness sets it once on each new connection of this version's pool
     * ({@code set_config(name, value, false)}); {@code application_name} goes into the connection's startup packet
     * instead. Calling this again for the same setting replaces the value.
     *
     * @param name a configuration parameter, such as {@code TimeZone} or {@code search_path}
     * @param value its value as {@code SET} would take it, without quotes, such as {@code Asia/Tokyo} or {@code app,
     *     public}
     * @throws IllegalArgumentException if the name is not a parameter name (letters, digits, {@code _} and {@code .})
     */
    public AppVersion sessionSetting(String name, String value) {
        requireNonNull(name, "name");
        requireNonNull(value, "value");
        if (!SETTING.matcher(name).matches()) {
            throw new IllegalArgumentException("a session setting is named like TimeZone, search_path or"
                    + " myapp.tenant (letters, digits, _ and .), but was '" + name + "'");
        }
        Map<String, String> next = new LinkedHashMap<>(sessionSettings);
        next.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        next.put(name, value);
        return new AppVersion(
                this.name, operations, writers, readers, role, next, connectionProperties, queries, changes);
    }

    /**
     * {@return a copy whose connections are opened with the JDBC driver property {@code name} at {@code value}; the
     * receiver is unchanged}
     *
     * <p>Models how a version's driver talks to the server, for example pgjdbc's {@code prepareThreshold} ({@code 1}:
     * server-prepared statements from the first execution, whose cached plans and result types must survive the
     * migration's DDL), {@code autosave} ({@code always}: a savepoint before each statement) or {@code
     * preferQueryMode}. Calling this again for the same property replaces the value.
     *
     * @param name a pgjdbc connection property, such as {@code prepareThreshold}
     * @param value its value
     * @throws IllegalArgumentException if the name is blank, or is {@code user} or {@code password}, which {@link
     *     #connectsAs} sets
     */
    public AppVersion connectionProperty(String name, String value) {
        requireNonNull(name, "name");
        requireNonNull(value, "value");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a connection property needs a name, such as prepareThreshold");
        }
        if (name.equalsIgnoreCase("user") || name.equalsIgnoreCase("password")) {
            throw new IllegalArgumentException(
                    "the connection's " + name + " comes from connectsAs(AppRole); declare the version's role there");
        }
        Map<String, String> next = new LinkedHashMap<>(connectionProperties);
        next.put(name, value);
        return new AppVersion(this.name, operations, writers, readers, role, sessionSettings, next, queries, changes);
    }

    /**
     * {@return a copy that declares a query which must keep using an index; the receiver is unchanged}
     *
     * <p>In every state where this version runs the harness asks PostgreSQL for the query's plan ({@code EXPLAIN},
     * with sequential scans discouraged so that even the few rows of a test database get the plan a large table would)
     * and remembers which indexes it uses in the first such state. A later state whose plan reads one of those tables
     * with a sequential scan instead fails, naming the index that is gone or no longer usable, for example after a
     * plan dropped it, replaced it with one on another column, or changed the column's type. Tables smaller than
     * {@link CompatibilityCheck#queryPlanMinRows} are not judged.
     *
     * @param name what the query does, unique within this version's queries, such as {@code "customer by email"}
     * @param sql the query as the version sends it, with literals or with {@code $1}, {@code $2} ... parameters, whose
     *     plan is then the generic one
     * @throws IllegalArgumentException if the name is blank or already used, or the SQL is blank or holds a {@code ;}
     */
    public AppVersion query(String name, String sql) {
        requireNonNull(name, "name");
        requireNonNull(sql, "sql");
        if (name.isBlank() || queries.containsKey(name)) {
            throw new IllegalArgumentException(
                    name.isBlank()
                            ? "a query needs a name, such as \"customer by email\""
                            : "version " + this.name + " already has a query named '" + name + "'");
        }
        String trimmed = sql.strip();
        while (trimmed.endsWith(";")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
        }
        if (trimmed.isEmpty() || trimmed.contains(";")) {
            throw new IllegalArgumentException(
                    "query '" + name + "' must be one SQL statement, such as SELECT ... WHERE email = $1");
        }
        Map<String, String> next = new LinkedHashMap<>(queries);
        next.put(name, trimmed);
        return new AppVersion(
                this.name, operations, writers, readers, role, sessionSettings, connectionProperties, next, changes);
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

    /**
     * A change a version makes to an existing record.
     *
     * @param record the kind of record, as in {@link #writes}
     * @param name what the change does, such as {@code "move"} or {@code "clear phone"}
     * @param writer changes the record with the given key
     */
    public record Change(String record, String name, RowWriter writer) {
        /**
         * Checks the components.
         *
         * @param record the kind of record
         * @param name the change's name, not blank
         * @param writer the change
         * @throws IllegalArgumentException if a name is blank
         */
        public Change {
            requireNonNull(record, "record");
            requireNonNull(name, "name");
            requireNonNull(writer, "writer");
            if (record.isBlank() || name.isBlank()) {
                throw new IllegalArgumentException("a change needs a kind of record and a name, such as"
                        + " changes(\"customer\", \"move\", ...)");
            }
        }
    }

    /**
     * {@return a copy that also changes existing records of kind {@code record} with {@code writer}; the receiver is
     * unchanged}
     *
     * <p>Rows an application changes matter as much as rows it creates: an old version that moves a customer during
     * the backfill, or clears a field the new version reads from another column. In every state where this version
     * runs, the harness applies each change to the most recent record of that kind each version wrote (so in both
     * directions: this version changes what the other one wrote, and its own), reads it back with this version's
     * {@linkplain #reads reader} to learn the new value, and from then on expects every version to read that value.
     * The version must therefore read that kind too.
     *
     * @param record the kind of record, such as {@code "customer"}
     * @param name what the change does, unique for the kind, such as {@code "move"} or {@code "clear phone"}
     * @param writer changes the record with the given key, for example an {@code UPDATE ... WHERE email = key}
     * @throws IllegalArgumentException if a name is blank or the change is already declared
     */
    public AppVersion changes(String record, String name, RowWriter writer) {
        Change change = new Change(record, name, writer);
        for (Change c : changes) {
            if (c.record().equals(record) && c.name().equals(name)) {
                throw new IllegalArgumentException(
                        "version " + this.name + " already changes '" + record + "' with '" + name + "'");
            }
        }
        List<Change> next = new ArrayList<>(changes);
        next.add(change);
        return new AppVersion(
                this.name, operations, writers, readers, role, sessionSettings, connectionProperties, queries, next);
    }

    /** {@return the changes to existing records, in the order they were added} */
    public List<Change> changes() {
        return changes;
    }

    /** {@return the role this version connects as, or {@code null} to connect as the test database's user} */
    public @Nullable AppRole role() {
        return role;
    }

    /** {@return the session settings by name, in the order they were added; unmodifiable} */
    public Map<String, String> sessionSettings() {
        return sessionSettings;
    }

    /** {@return the JDBC connection properties by name, in the order they were added; unmodifiable} */
    public Map<String, String> connectionProperties() {
        return connectionProperties;
    }

    /** {@return the queries that must keep using an index, SQL by name, in the order they were added; unmodifiable} */
    public Map<String, String> queries() {
        return queries;
    }

    /** {@return the name, the operations' names and the kinds of record written and read} */
    @Override
    public String toString() {
        return "AppVersion[" + name + ", operations="
                + operations.stream().map(Operation::name).toList() + ", writes=" + writers.keySet() + ", reads="
                + readers.keySet() + (role == null ? "" : ", role=" + role.name())
                + (sessionSettings.isEmpty() ? "" : ", settings=" + sessionSettings)
                + (connectionProperties.isEmpty() ? "" : ", properties=" + connectionProperties)
                + (queries.isEmpty() ? "" : ", queries=" + queries.keySet())
                + (changes.isEmpty()
                        ? ""
                        : ", changes="
                                + changes.stream()
                                        .map(c -> c.record() + ":" + c.name())
                                        .toList())
                + "]";
    }
}
