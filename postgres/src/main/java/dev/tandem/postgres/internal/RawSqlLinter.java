package dev.tandem.postgres.internal;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.tandem.internal.SqlTokens;
import dev.tandem.internal.SqlTokens.Cursor;
import dev.tandem.internal.SqlTokens.Kind;
import dev.tandem.internal.SqlTokens.Token;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Classifies a raw SQL statement against the unsafe-operations catalogue: the lock it takes, whether it rewrites or
 * scans the table, and what can go wrong. It reads the statement as PostgreSQL does, token by token, so a comment or a
 * literal never counts as a keyword. Best effort: it labels raw statements in explain output so a reviewer sees the
 * risk the plan's author accepted, and it looks at one statement at a time (a {@code SET NOT NULL} after a validated
 * {@code CHECK} is still flagged).
 *
 * <p>Lock levels follow the server ({@code AlterTableGetLockLevel} in {@code tablecmds.c}, and the "Explicit Locking"
 * chapter of the manual).
 */
public final class RawSqlLinter {
    private RawSqlLinter() {}

    /**
     * The classification.
     *
     * @param lock the strongest table lock
     * @param relation the table the lock is taken on, as written in the statement and qualified, or {@code null}
     * @param rewrites whether it rewrites the table
     * @param scans whether it scans the table under its lock
     * @param finding what is risky, or empty; several findings are separated by {@code "; "}
     * @param note what is worth knowing but not risky (such as "catalog-only if it widens"), or empty
     */
    public record Finding(
            LockMode lock, @Nullable TableName relation, boolean rewrites, boolean scans, String finding, String note) {

        /**
         * Checks the components.
         *
         * @param lock the strongest table lock
         * @param relation the table, or {@code null}
         * @param rewrites whether it rewrites the table
         * @param scans whether it scans the table
         * @param finding what is risky, or empty
         * @param note what is worth knowing, or empty
         */
        public Finding {
            requireNonNull(lock, "lock");
            requireNonNull(finding, "finding");
            requireNonNull(note, "note");
        }

        /** {@return whether the linter found a risk} */
        public boolean risky() {
            return !finding.isEmpty();
        }

        /**
         * {@return the finding and the note as explain prints them after the author's reason: {@code "; lint: ..."}
         * and {@code "; note: ..."}, or empty}
         */
        public String label() {
            return (finding.isEmpty() ? "" : "; lint: " + finding) + (note.isEmpty() ? "" : "; note: " + note);
        }
    }

    static final String UNNAMED_CONSTRAINT = "unnamed constraint: PostgreSQL picks its name, so rollback and later"
            + " plans cannot refer to it; name it with CONSTRAINT name";
    static final String UNNAMED_INDEX =
            "unnamed index: PostgreSQL picks its name, so rollback and later plans cannot refer to it; name it";
    static final String UNCLASSIFIED = "could not classify this statement; assuming ACCESS EXCLUSIVE";

    /** Functions PostgreSQL marks volatile that a column default commonly calls; such a default rewrites the table. */
    private static final Set<String> VOLATILE_FUNCTIONS = Set.of(
            "random",
            "random_normal",
            "gen_random_uuid",
            "uuidv4",
            "uuidv7",
            "uuid_generate_v1",
            "uuid_generate_v1mc",
            "uuid_generate_v4",
            "gen_random_bytes",
            "clock_timestamp",
            "timeofday",
            "nextval");

    private static final Set<String> SERIAL_TYPES =
            Set.of("serial", "serial2", "serial4", "serial8", "smallserial", "bigserial");

    /** Words that end a column's type and start one of its constraints. */
    private static final String[] COLUMN_CONSTRAINT =
            words("CONSTRAINT NOT NULL CHECK DEFAULT GENERATED UNIQUE PRIMARY REFERENCES COLLATE DEFERRABLE"
                    + " INITIALLY COMPRESSION STORAGE ENFORCED");

    /** Table storage parameters PostgreSQL changes under SHARE UPDATE EXCLUSIVE ({@code reloptions.c}); others take ACCESS EXCLUSIVE. */
    private static final Set<String> LIGHT_STORAGE_PARAMETERS = Set.of(
            "fillfactor",
            "toast_tuple_target",
            "parallel_workers",
            "log_autovacuum_min_duration",
            "vacuum_index_cleanup",
            "vacuum_truncate");

    /** Objects whose CREATE takes no lock on an existing table. */
    private static final String[] CREATE_WITHOUT_TABLE_LOCK =
            words("SCHEMA EXTENSION FUNCTION PROCEDURE TYPE DOMAIN SEQUENCE COLLATION CONVERSION DEFAULT CAST"
                    + " OPERATOR AGGREGATE LANGUAGE TRUSTED PROCEDURAL ROLE USER GROUP DATABASE TABLESPACE PUBLICATION"
                    + " SUBSCRIPTION SERVER FOREIGN TEXT EVENT ACCESS TRANSFORM");

    /** Objects whose ALTER or DROP takes no lock on a table. */
    private static final String[] NOT_A_TABLE =
            words("SCHEMA EXTENSION FUNCTION PROCEDURE ROUTINE TYPE DOMAIN SEQUENCE COLLATION CONVERSION DEFAULT"
                    + " CAST OPERATOR AGGREGATE LANGUAGE PROCEDURAL ROLE USER GROUP DATABASE SYSTEM TABLESPACE"
                    + " PUBLICATION SUBSCRIPTION SERVER FOREIGN TEXT EVENT ACCESS TRANSFORM OWNED STATISTICS LARGE");

    private static String[] words(String spaceSeparated) {
        return spaceSeparated.split(" ");
    }

    /**
     * {@return the classification of {@code statement}}
     *
     * @param statement the raw statement
     * @param defaultSchema the schema for unqualified names
     */
    public static Finding lint(SqlStatement statement, Identifier defaultSchema) {
        Lint l = new Lint(statement.sql(), defaultSchema);
        Cursor c = new Cursor(SqlTokens.code(statement.sql()));
        statement(c, l);
        return l.result();
    }

    private static void statement(Cursor c, Lint l) {
        Token first = c.peek();
        if (first == null || first.kind() != Kind.WORD) {
            l.unclassified(UNCLASSIFIED);
            return;
        }
        switch (first.text().toUpperCase(Locale.ROOT)) {
            case "ALTER" -> alter(c, l);
            case "CREATE" -> create(c, l);
            case "DROP" -> drop(c, l);
            case "REINDEX" -> reindex(c, l);
            case "VACUUM" -> vacuum(c, l);
            case "CLUSTER" -> cluster(c, l);
            case "REFRESH" -> refresh(c, l);
            case "LOCK" -> lockTable(c, l);
            case "TRUNCATE" -> truncate(c, l);
            case "WITH" -> with(c, l);
            case "UPDATE", "DELETE", "INSERT", "MERGE" -> dml(c, l);
            case "SELECT", "VALUES", "TABLE" -> select(c, l);
            case "COMMENT", "SECURITY" -> comment(c, l);
            case "ANALYZE", "ANALYSE" -> analyze(c, l);
            case "COPY" -> copy(c, l);
            case "GRANT", "REVOKE", "SET", "RESET", "SHOW", "NOTIFY", "LISTEN", "UNLISTEN", "CHECKPOINT", "DISCARD" ->
                l.lock(LockMode.NONE);
            case "DO", "CALL" ->
                l.unclassified(first.text().toUpperCase(Locale.ROOT)
                        + " runs code the linter cannot read; assuming ACCESS EXCLUSIVE");
            default -> l.unclassified(UNCLASSIFIED);
        }
    }

    // ---- ALTER ----

    private static void alter(Cursor c, Lint l) {
        c.accept("ALTER");
        if (c.accept("TABLE") || c.accept("FOREIGN", "TABLE")) {
            alterTable(c, l);
        } else if (c.accept("INDEX")) {
            alterIndex(c, l);
        } else if (c.accept("VIEW") || c.accept("MATERIALIZED", "VIEW")) {
            alterView(c, l);
        } else if (c.accept("TYPE")) {
            alterType(c, l);
        } else if (c.accept("DOMAIN")) {
            alterDomain(c, l);
        } else if (c.atAny("POLICY", "TRIGGER", "RULE")) {
            c.next();
            c.accept("IF", "EXISTS");
            c.name();
            l.lock(LockMode.ACCESS_EXCLUSIVE);
            if (c.accept("ON")) {
                l.on(c.name());
            }
        } else if (c.atAny(NOT_A_TABLE)) {
            l.lock(LockMode.NONE);
            if (c.accept("SCHEMA") && c.find(0, "RENAME") >= 0) {
                l.risk("UNSAFE: renames the schema in place, breaking the application version that uses the old name");
            }
        } else {
            l.unclassified(UNCLASSIFIED);
        }
    }

    private static void alterTable(Cursor c, Lint l) {
        if (c.accept("ALL", "IN", "TABLESPACE")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE).rewrites();
            l.risk("UNSAFE: moves every table of a tablespace, copying each under ACCESS EXCLUSIVE");
            return;
        }
        c.accept("IF", "EXISTS");
        c.accept("ONLY");
        l.on(c.name());
        c.accept("*");
        List<List<Token>> subcommands = splitAtTopLevelCommas(c.rest());
        if (subcommands.isEmpty()) {
            l.lock(LockMode.ACCESS_EXCLUSIVE);
        }
        for (List<Token> sub : subcommands) {
            alterTableSubcommand(new Cursor(sub), l);
        }
    }

    private static List<List<Token>> splitAtTopLevelCommas(List<Token> tokens) {
        List<List<Token>> out = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        for (Token t : tokens) {
            if (t.depth() == 0 && (t.is(",") || t.is(";"))) {
                if (!current.isEmpty()) {
                    out.add(current);
                }
                current = new ArrayList<>();
            } else {
                current.add(t);
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private static void alterTableSubcommand(Cursor c, Lint l) {
        if (c.accept("ADD")) {
            add(c, l);
        } else if (c.accept("DROP")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE);
            if (!c.accept("CONSTRAINT")) {
                c.accept("COLUMN");
                c.accept("IF", "EXISTS");
                l.risk("drops column " + l.display(c.peek())
                        + ": contract only, once no application version reads or writes it");
            }
        } else if (c.accept("ALTER")) {
            if (c.accept("CONSTRAINT")) {
                l.lock(LockMode.ACCESS_EXCLUSIVE);
            } else {
                c.accept("COLUMN");
                alterColumn(c, l);
            }
        } else if (c.accept("VALIDATE", "CONSTRAINT")) {
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE).scans();
            l.note("scans without blocking writes");
        } else if (c.accept("RENAME")) {
            rename(c, l);
        } else if (c.accept("SET")) {
            set(c, l);
        } else if (c.at("RESET")) {
            c.next();
            storageParameters(c, l);
        } else if (c.accept("ATTACH", "PARTITION")) {
            // SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the table attached
            l.lock(LockMode.ACCESS_EXCLUSIVE).scans();
            int from = c.position();
            c.name();
            l.risk("UNSAFE: ATTACH PARTITION scans " + l.source(c.since(from))
                    + " under ACCESS EXCLUSIVE unless a validated CHECK constraint matching the partition bound proves"
                    + " it; add that CHECK NOT VALID and VALIDATE it first");
        } else if (c.accept("DETACH", "PARTITION")) {
            c.name();
            if (c.atAny("CONCURRENTLY", "FINALIZE")) {
                l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
            } else {
                l.lock(LockMode.ACCESS_EXCLUSIVE);
                l.risk("UNSAFE: DETACH PARTITION takes ACCESS EXCLUSIVE on the parent, blocking reads and writes;"
                        + " use DETACH PARTITION ... CONCURRENTLY");
            }
        } else if (c.accept("CLUSTER", "ON")) {
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
        } else if (c.accept("ENABLE") || c.accept("DISABLE")) {
            c.accept("ALWAYS");
            c.accept("REPLICA");
            l.lock(c.at("TRIGGER") ? LockMode.SHARE_ROW_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE);
        } else {
            // OWNER TO, REPLICA IDENTITY, [NO] INHERIT, [NOT] OF, [NO] FORCE ROW LEVEL SECURITY, OPTIONS
            l.lock(LockMode.ACCESS_EXCLUSIVE);
        }
    }

    private static void add(Cursor c, Lint l) {
        boolean named = false;
        if (c.accept("CONSTRAINT")) {
            c.next();
            named = true;
        } else if (!c.atAny("CHECK", "UNIQUE", "PRIMARY", "FOREIGN", "EXCLUDE", "NOT")) {
            c.accept("COLUMN");
            addColumn(c, l);
            return;
        }
        addConstraint(c, l, named);
    }

    private static void addConstraint(Cursor c, Lint l, boolean named) {
        boolean validated = c.find(0, "NOT", "VALID") < 0 && c.find(0, "NOT", "ENFORCED") < 0;
        if (c.accept("CHECK")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE);
            l.unnamed(named);
            if (validated) {
                l.scans();
                l.risk("UNSAFE: ADD CHECK scans the table under ACCESS EXCLUSIVE; add it NOT VALID, then VALIDATE"
                        + " CONSTRAINT");
            }
        } else if (c.accept("FOREIGN", "KEY")) {
            // CREATE TRIGGER strength on both tables
            l.lock(LockMode.SHARE_ROW_EXCLUSIVE);
            l.unnamed(named);
            if (validated) {
                l.scans();
                l.risk("UNSAFE: ADD FOREIGN KEY scans the table while it blocks writes on both tables (SHARE ROW"
                        + " EXCLUSIVE); add it NOT VALID, then VALIDATE CONSTRAINT");
            }
        } else if (c.at("UNIQUE") || c.at("PRIMARY", "KEY")) {
            boolean primary = !c.accept("UNIQUE");
            c.accept("PRIMARY", "KEY");
            if (!c.accept("NULLS", "DISTINCT")) {
                c.accept("NULLS", "NOT", "DISTINCT");
            }
            String what = primary ? "PRIMARY KEY" : "UNIQUE";
            l.lock(LockMode.ACCESS_EXCLUSIVE);
            if (c.at("USING", "INDEX") && !c.at("USING", "INDEX", "TABLESPACE")) {
                // the constraint takes the existing index's name when it has none
                if (primary) {
                    l.note("PRIMARY KEY USING INDEX sets NOT NULL on the key columns: a scan under ACCESS EXCLUSIVE"
                            + " unless they are NOT NULL already");
                }
                return;
            }
            l.unnamed(named);
            l.scans();
            l.risk("UNSAFE: ADD " + what + " builds an index under ACCESS EXCLUSIVE; build it with CREATE UNIQUE"
                    + " INDEX CONCURRENTLY, then ADD CONSTRAINT ... " + what + " USING INDEX");
        } else if (c.accept("EXCLUDE")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE).scans();
            l.unnamed(named);
            l.risk("UNSAFE: ADD EXCLUDE builds an index and checks every row under ACCESS EXCLUSIVE; it has no NOT"
                    + " VALID form");
        } else if (c.accept("NOT", "NULL")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE);
            if (validated) {
                l.scans();
                l.risk(setNotNull(l.display(c.peek())));
            }
        } else {
            l.lock(LockMode.ACCESS_EXCLUSIVE);
        }
    }

    private static void addColumn(Cursor c, Lint l) {
        c.accept("IF", "NOT", "EXISTS");
        String column = l.display(c.next());
        l.lock(LockMode.ACCESS_EXCLUSIVE);
        List<Token> type = until(c, COLUMN_CONSTRAINT);
        boolean serial = type.size() == 1 && SERIAL_TYPES.contains(type.get(0).identifier());
        boolean notNull = false;
        boolean hasDefault = false;
        boolean filled = serial;
        boolean named = false;
        if (serial) {
            l.rewrites();
            l.risk("UNSAFE: ADD COLUMN " + column + " " + type.get(0).text()
                    + " fills every row from a sequence: rewrites the table under ACCESS EXCLUSIVE");
        }
        while (!c.atEnd()) {
            if (c.accept("CONSTRAINT")) {
                c.next();
                named = true;
                continue;
            }
            if (c.accept("NOT", "NULL")) {
                notNull = true;
            } else if (c.accept("DEFAULT")) {
                int from = c.position();
                c.skip();
                until(c, COLUMN_CONSTRAINT);
                List<Token> expression = c.since(from);
                hasDefault = !(expression.size() == 1 && expression.get(0).is("NULL"));
                String volatileCall = volatileCall(expression);
                if (volatileCall != null) {
                    l.rewrites();
                    l.risk("UNSAFE: ADD COLUMN " + column + " with the volatile default " + volatileCall
                            + "() rewrites the table under ACCESS EXCLUSIVE; add it without a default, then SET DEFAULT"
                            + " and backfill");
                }
            } else if (c.accept("GENERATED")) {
                filled = true;
                if (!c.accept("ALWAYS")) {
                    c.accept("BY", "DEFAULT");
                }
                c.accept("AS");
                if (c.accept("IDENTITY")) {
                    l.rewrites();
                    l.risk("UNSAFE: ADD COLUMN " + column
                            + " ... AS IDENTITY fills every row from a sequence: rewrites the table under ACCESS"
                            + " EXCLUSIVE");
                } else {
                    c.skip();
                    // PostgreSQL 18 makes a generated column VIRTUAL unless it says STORED
                    if (c.accept("STORED")) {
                        l.rewrites();
                        l.risk("UNSAFE: ADD COLUMN " + column
                                + " GENERATED ... STORED computes every row: rewrites the table under ACCESS EXCLUSIVE;"
                                + " add a plain column filled by a trigger and a backfill");
                    }
                }
            } else if (c.accept("CHECK")) {
                l.unnamed(named);
                l.scans();
                l.risk("UNSAFE: ADD COLUMN " + column + " CHECK scans the table under ACCESS EXCLUSIVE");
            } else if (c.at("UNIQUE") || c.at("PRIMARY", "KEY")) {
                String what = c.accept("UNIQUE") ? "UNIQUE" : "PRIMARY KEY";
                c.accept("PRIMARY", "KEY");
                l.unnamed(named);
                l.scans();
                l.risk("UNSAFE: ADD COLUMN " + column + " " + what + " builds an index under ACCESS EXCLUSIVE");
            } else if (c.accept("REFERENCES")) {
                l.unnamed(named);
                // the referenced table gets the foreign key's triggers
                l.lock(LockMode.SHARE_ROW_EXCLUSIVE);
            } else {
                c.skip();
                continue;
            }
            named = false;
            until(c, COLUMN_CONSTRAINT);
        }
        if (notNull && !hasDefault && !filled) {
            l.risk("UNSAFE: ADD COLUMN " + column + " NOT NULL without a default fails on a non-empty table and breaks"
                    + " the old version's inserts");
        }
    }

    /** Consumes the tokens before the next of {@code stops} outside parentheses, and returns them. */
    private static List<Token> until(Cursor c, String... stops) {
        int from = c.position();
        while (!c.atEnd() && !c.atAny(stops)) {
            c.skip();
        }
        return c.since(from);
    }

    private static @Nullable String volatileCall(List<Token> expression) {
        for (int i = 0; i + 1 < expression.size(); i++) {
            Token t = expression.get(i);
            if (t.kind() == Kind.WORD && expression.get(i + 1).is("(") && VOLATILE_FUNCTIONS.contains(t.identifier())) {
                return t.text();
            }
        }
        return null;
    }

    private static void alterColumn(Cursor c, Lint l) {
        String column = l.display(c.next());
        if (c.accept("SET", "DATA", "TYPE") || c.accept("TYPE")) {
            typeChange(c, l, column);
        } else if (c.accept("SET", "NOT", "NULL")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE).scans();
            l.risk(setNotNull(column));
        } else if (c.accept("SET", "EXPRESSION")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE).rewrites();
            l.risk("UNSAFE: SET EXPRESSION of " + column + " recomputes every row: rewrites the table under ACCESS"
                    + " EXCLUSIVE");
        } else if (c.at("SET", "STATISTICS") || c.at("SET", "(") || c.at("RESET", "(")) {
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
        } else {
            // SET/DROP DEFAULT, DROP NOT NULL, identity and generation changes, SET STORAGE, SET COMPRESSION:
            // catalog-only
            l.lock(LockMode.ACCESS_EXCLUSIVE);
        }
    }

    private static String setNotNull(String column) {
        return "UNSAFE: SET NOT NULL on " + column + " scans the table under ACCESS EXCLUSIVE, unless a validated"
                + " CHECK (" + column + " IS NOT NULL) proves it (PostgreSQL 12+): add that CHECK NOT VALID, VALIDATE"
                + " it, then SET NOT NULL";
    }

    private static void typeChange(Cursor c, Lint l, String column) {
        l.lock(LockMode.ACCESS_EXCLUSIVE);
        List<Token> type = until(c, "COLLATE", "USING");
        if (c.atEnd() && widening(type)) {
            l.note("changing " + column + " to " + l.source(type)
                    + " is catalog-only if it widens the column (a larger or no varchar limit, text, numeric without"
                    + " a limit); anything else rewrites the table under ACCESS EXCLUSIVE");
            return;
        }
        l.rewrites();
        l.risk("UNSAFE: changes the type of " + column + " in place: rewrites the table and its indexes under ACCESS"
                + " EXCLUSIVE unless the types are binary-compatible");
    }

    /**
     * Whether a new type may be a widening PostgreSQL does in the catalog only. Without the old type this cannot be
     * known, so such a change is not flagged.
     */
    private static boolean widening(List<Token> type) {
        List<String> words = new ArrayList<>();
        int typmods = 0;
        for (Token t : type) {
            if (t.kind() == Kind.WORD) {
                words.add(t.identifier());
            } else if (t.kind() == Kind.NUMBER) {
                typmods++;
            } else if (!t.is("(") && !t.is(")")) {
                return false;
            }
        }
        String name = String.join(" ", words);
        return switch (name) {
            case "text" -> typmods == 0;
            case "varchar", "character varying" -> typmods <= 1;
            case "numeric", "decimal" -> typmods == 0;
            default -> false;
        };
    }

    private static void rename(Cursor c, Lint l) {
        l.lock(LockMode.ACCESS_EXCLUSIVE);
        if (c.accept("CONSTRAINT")) {
            return;
        }
        if (c.accept("TO")) {
            l.risk("UNSAFE: renames the table in place, breaking the application version that uses the old name;"
                    + " use renameTable, which keeps the old name as a view");
            return;
        }
        c.accept("COLUMN");
        l.risk("UNSAFE: renames column " + l.display(c.peek())
                + " in place, breaking the application version that uses the old name; use renameColumn");
    }

    private static void set(Cursor c, Lint l) {
        if (c.accept("SCHEMA")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE);
            l.risk("UNSAFE: moves the table to another schema, breaking the application version that uses the old"
                    + " name");
        } else if (c.accept("TABLESPACE")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE).rewrites();
            l.risk("UNSAFE: SET TABLESPACE copies the table under ACCESS EXCLUSIVE, blocking reads and writes");
        } else if (c.atAny("LOGGED", "UNLOGGED")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE).rewrites();
            l.risk("UNSAFE: SET " + requireNonNull(c.peek(), "token").text().toUpperCase(Locale.ROOT)
                    + " rewrites the table under ACCESS EXCLUSIVE");
        } else if (c.accept("ACCESS", "METHOD")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE).rewrites();
            l.risk("UNSAFE: SET ACCESS METHOD rewrites the table under ACCESS EXCLUSIVE");
        } else if (c.accept("WITHOUT", "CLUSTER")) {
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
        } else if (c.at("(")) {
            storageParameters(c, l);
        } else {
            l.lock(LockMode.ACCESS_EXCLUSIVE);
        }
    }

    private static void storageParameters(Cursor c, Lint l) {
        Map<String, String> options = c.options();
        boolean light = !options.isEmpty();
        for (String name : options.keySet()) {
            String bare = name.startsWith("toast.") ? name.substring("toast.".length()) : name;
            light &= bare.startsWith("autovacuum_") || LIGHT_STORAGE_PARAMETERS.contains(bare);
        }
        l.lock(light ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE);
    }

    private static void alterIndex(Cursor c, Lint l) {
        c.accept("IF", "EXISTS");
        c.name();
        if (c.at("RENAME")) {
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
        } else if (c.accept("SET", "TABLESPACE")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE);
            l.risk("UNSAFE: SET TABLESPACE copies the index under ACCESS EXCLUSIVE, blocking the reads that use it");
        } else if (c.at("SET", "(") || c.at("RESET", "(")) {
            c.next();
            storageParameters(c, l);
        } else {
            l.lock(LockMode.ACCESS_EXCLUSIVE);
        }
    }

    private static void alterView(Cursor c, Lint l) {
        c.accept("IF", "EXISTS");
        l.on(c.name());
        l.lock(LockMode.ACCESS_EXCLUSIVE);
        if (c.at("RENAME") || c.at("SET", "SCHEMA")) {
            l.risk("UNSAFE: renames the view or its column in place, breaking the application version that uses the"
                    + " old name");
        }
    }

    private static void alterType(Cursor c, Lint l) {
        c.name();
        l.lock(LockMode.NONE);
        if (c.accept("RENAME", "VALUE")) {
            l.risk("UNSAFE: renames an enum label in place: the running version still sends and expects the old one;"
                    + " add a new value instead");
        } else if (c.at("RENAME") || c.at("SET", "SCHEMA")) {
            l.risk("UNSAFE: renames the type in place, breaking the application version that uses the old name");
        } else if (c.find(0, "ALTER", "ATTRIBUTE") >= 0 && c.find(0, "TYPE") >= 0) {
            l.unclassified("changes an attribute type: tables using the type may be rewritten; assuming ACCESS"
                    + " EXCLUSIVE");
        }
    }

    private static void alterDomain(Cursor c, Lint l) {
        c.name();
        if (c.accept("ADD")) {
            if (c.find(0, "NOT", "VALID") < 0) {
                // validateDomainConstraint opens every table with a column of the domain in SHARE mode
                l.lock(LockMode.SHARE).scans();
                l.risk("UNSAFE: ALTER DOMAIN ADD checks every column of the domain in every table while it blocks"
                        + " their writes; add it NOT VALID, then VALIDATE CONSTRAINT");
            }
        } else if (c.accept("VALIDATE", "CONSTRAINT")) {
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE).scans();
        } else if (c.accept("SET", "NOT", "NULL")) {
            l.lock(LockMode.SHARE).scans();
            l.risk("UNSAFE: ALTER DOMAIN SET NOT NULL checks every column of the domain in every table while it"
                    + " blocks their writes");
        }
        l.lock(LockMode.NONE);
    }

    // ---- CREATE ----

    private static void create(Cursor c, Lint l) {
        c.accept("CREATE");
        boolean orReplace = c.accept("OR", "REPLACE");
        boolean unique = c.accept("UNIQUE");
        if (c.accept("INDEX")) {
            createIndex(c, l);
            return;
        }
        if (unique) {
            l.unclassified(UNCLASSIFIED);
            return;
        }
        while (c.atAny("GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED", "RECURSIVE")) {
            c.next();
        }
        if (c.accept("TABLE")) {
            createTable(c, l);
        } else if (c.accept("VIEW")) {
            l.lock(LockMode.NONE);
            if (orReplace) {
                // replacing an existing view locks it like ALTER VIEW
                l.on(c.name());
                l.lock(LockMode.ACCESS_EXCLUSIVE);
            }
        } else if (c.accept("MATERIALIZED", "VIEW")) {
            l.lock(LockMode.NONE);
        } else if (c.accept("TRIGGER") || c.accept("CONSTRAINT", "TRIGGER")) {
            l.lock(LockMode.SHARE_ROW_EXCLUSIVE);
            l.note("blocks writes briefly");
            onTable(c, l);
        } else if (c.accept("POLICY")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE);
            onTable(c, l);
        } else if (c.accept("RULE")) {
            // CREATE RULE r AS ON INSERT TO t
            l.lock(LockMode.ACCESS_EXCLUSIVE);
            int to = c.find(0, "TO");
            if (to >= 0) {
                c.reset(c.position() + to + 1);
                l.on(c.name());
            }
        } else if (c.accept("STATISTICS")) {
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
            int from = c.find(0, "FROM");
            if (from >= 0) {
                c.reset(c.position() + from + 1);
                l.on(c.name());
            }
        } else if (c.atAny(CREATE_WITHOUT_TABLE_LOCK)) {
            l.lock(LockMode.NONE);
        } else {
            l.unclassified(UNCLASSIFIED);
        }
    }

    private static void onTable(Cursor c, Lint l) {
        int on = c.find(0, "ON");
        if (on >= 0) {
            c.reset(c.position() + on + 1);
            c.accept("ONLY");
            l.on(c.name());
        }
    }

    private static void createIndex(Cursor c, Lint l) {
        boolean concurrently = c.accept("CONCURRENTLY");
        c.accept("IF", "NOT", "EXISTS");
        boolean named = !c.at("ON");
        if (named) {
            c.next();
        }
        if (c.accept("ON")) {
            c.accept("ONLY");
            l.on(c.name());
        }
        if (!named) {
            l.risk(UNNAMED_INDEX);
        }
        if (concurrently) {
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE).scans();
            l.note("builds without blocking writes; may leave an INVALID index on failure");
        } else {
            l.lock(LockMode.SHARE).scans();
            l.risk("UNSAFE: CREATE INDEX blocks writes (SHARE lock) for the whole build; use CREATE INDEX"
                    + " CONCURRENTLY");
        }
    }

    private static void createTable(Cursor c, Lint l) {
        l.lock(LockMode.NONE);
        c.accept("IF", "NOT", "EXISTS");
        c.name();
        if (c.accept("PARTITION", "OF")) {
            l.on(c.name());
            l.lock(LockMode.ACCESS_EXCLUSIVE);
            l.risk("UNSAFE: CREATE TABLE ... PARTITION OF takes ACCESS EXCLUSIVE on the parent; create the table"
                    + " alone, then ATTACH PARTITION");
            return;
        }
        int inherits = c.find(0, "INHERITS", "(");
        int references = -1;
        List<Token> rest = c.rest();
        for (int i = 0; i < rest.size(); i++) {
            if (rest.get(i).is("REFERENCES")) {
                references = i;
                break;
            }
        }
        int start = c.position();
        if (references >= 0) {
            // the referenced table gets the foreign key's triggers
            c.reset(start + references + 1);
            l.on(c.name());
            l.lock(LockMode.SHARE_ROW_EXCLUSIVE);
        } else if (inherits >= 0) {
            c.reset(start + inherits + 2);
            l.on(c.name());
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
        }
    }

    // ---- DROP ----

    private static void drop(Cursor c, Lint l) {
        c.accept("DROP");
        boolean cascade = c.find(0, "CASCADE") >= 0;
        if (c.accept("INDEX")) {
            if (c.accept("CONCURRENTLY")) {
                l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
            } else {
                l.lock(LockMode.ACCESS_EXCLUSIVE);
                l.risk("UNSAFE: DROP INDEX takes ACCESS EXCLUSIVE on the table, blocking reads and writes; use DROP"
                        + " INDEX CONCURRENTLY");
            }
        } else if (c.accept("TABLE") || c.accept("FOREIGN", "TABLE")) {
            dropRelations(c, l, "table");
        } else if (c.accept("VIEW")) {
            dropRelations(c, l, "view");
        } else if (c.accept("MATERIALIZED", "VIEW")) {
            dropRelations(c, l, "materialized view");
        } else if (c.atAny("TRIGGER", "POLICY", "RULE")) {
            l.lock(LockMode.ACCESS_EXCLUSIVE);
            onTable(c, l);
        } else if (c.atAny(NOT_A_TABLE)) {
            l.lock(LockMode.NONE);
        } else {
            l.unclassified(UNCLASSIFIED);
            return;
        }
        if (cascade) {
            l.risk("UNSAFE: CASCADE also drops every object that depends on it (views, foreign keys, columns of a"
                    + " dropped type)");
        }
    }

    private static void dropRelations(Cursor c, Lint l, String kind) {
        c.accept("IF", "EXISTS");
        l.lock(LockMode.ACCESS_EXCLUSIVE);
        List<String> names = new ArrayList<>();
        do {
            int from = c.position();
            List<String> name = c.name();
            if (name.isEmpty()) {
                break;
            }
            l.on(name);
            names.add(l.source(c.since(from)));
        } while (c.accept(","));
        l.risk("drops " + kind + " " + String.join(", ", names)
                + ": contract only, once no application version uses it");
    }

    // ---- maintenance ----

    private static void reindex(Cursor c, Lint l) {
        c.accept("REINDEX");
        Map<String, String> options = c.options();
        boolean tableOrIndex = c.atAny("INDEX", "TABLE");
        c.next();
        boolean concurrently = SqlTokens.enabled(options, "concurrently") || c.accept("CONCURRENTLY");
        if (tableOrIndex) {
            // for REINDEX INDEX this is the index: the runner finds its table when it cleans up after a failure
            l.on(c.name());
        }
        if (concurrently) {
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE).scans();
            l.note("rebuilds without blocking writes; may leave an INVALID *_ccnew index on failure");
        } else {
            l.lock(LockMode.SHARE).scans();
            l.risk("UNSAFE: REINDEX blocks writes, and reads that use the index, while it rebuilds; use REINDEX ..."
                    + " CONCURRENTLY");
        }
    }

    private static void vacuum(Cursor c, Lint l) {
        c.accept("VACUUM");
        boolean full = SqlTokens.enabled(c.options(), "full");
        while (c.atAny("FULL", "FREEZE", "VERBOSE", "ANALYZE", "ANALYSE")) {
            full |= requireNonNull(c.next(), "token").is("FULL");
        }
        l.on(c.name());
        if (full) {
            l.lock(LockMode.ACCESS_EXCLUSIVE).rewrites();
            l.risk("UNSAFE: VACUUM FULL rewrites the table under ACCESS EXCLUSIVE, blocking reads and writes; use"
                    + " pg_repack");
        } else {
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE).scans();
        }
    }

    private static void cluster(Cursor c, Lint l) {
        c.accept("CLUSTER");
        c.options();
        c.accept("VERBOSE");
        List<String> name = c.name();
        l.on(c.accept("ON") ? c.name() : name);
        l.lock(LockMode.ACCESS_EXCLUSIVE).rewrites();
        l.risk("UNSAFE: CLUSTER rewrites the table under ACCESS EXCLUSIVE, blocking reads and writes; use pg_repack");
    }

    private static void refresh(Cursor c, Lint l) {
        if (!c.accept("REFRESH", "MATERIALIZED", "VIEW")) {
            l.unclassified(UNCLASSIFIED);
            return;
        }
        boolean concurrently = c.accept("CONCURRENTLY");
        l.on(c.name());
        if (concurrently) {
            l.lock(LockMode.EXCLUSIVE).scans();
            l.note("blocks writes to the view, not reads, while it refreshes");
        } else {
            l.lock(LockMode.ACCESS_EXCLUSIVE).rewrites();
            l.risk("UNSAFE: REFRESH MATERIALIZED VIEW blocks reads of the view while it runs; use REFRESH"
                    + " MATERIALIZED VIEW CONCURRENTLY (it needs a unique index)");
        }
    }

    private static void lockTable(Cursor c, Lint l) {
        c.accept("LOCK");
        c.accept("TABLE");
        c.accept("ONLY");
        l.on(c.name());
        LockMode mode = LockMode.ACCESS_EXCLUSIVE;
        int in = c.find(0, "IN");
        int modeWord = c.find(0, "MODE");
        if (in >= 0 && modeWord > in) {
            List<String> words = new ArrayList<>();
            for (Token t : c.rest().subList(in + 1, modeWord)) {
                words.add(t.text().toUpperCase(Locale.ROOT));
            }
            try {
                mode = LockMode.valueOf(String.join("_", words));
            } catch (IllegalArgumentException e) {
                // not a mode PostgreSQL knows; it will refuse the statement
                mode = LockMode.ACCESS_EXCLUSIVE;
            }
        }
        l.lock(mode);
        if (mode.blocksWrites()) {
            l.risk("UNSAFE: LOCK TABLE holds " + mode.sqlName() + " until the transaction ends, blocking "
                    + (mode.blocksReads() ? "reads and writes" : "writes"));
        }
    }

    private static void truncate(Cursor c, Lint l) {
        c.accept("TRUNCATE");
        c.accept("TABLE");
        c.accept("ONLY");
        l.on(c.name());
        l.lock(LockMode.ACCESS_EXCLUSIVE);
        l.risk("UNSAFE: TRUNCATE deletes every row under ACCESS EXCLUSIVE; contract only, once no application version"
                + " needs the data");
        if (c.find(0, "CASCADE") >= 0) {
            l.risk("UNSAFE: TRUNCATE ... CASCADE also empties every table with a foreign key to it");
        }
    }

    private static void analyze(Cursor c, Lint l) {
        c.next();
        c.options();
        c.accept("VERBOSE");
        l.on(c.name());
        l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
    }

    // ---- DML ----

    private static void with(Cursor c, Lint l) {
        c.accept("WITH");
        c.accept("RECURSIVE");
        // name [(columns)] AS [[NOT] MATERIALIZED] (query) [, ...]: the main statement follows the last body
        do {
            c.name();
            if (c.at("(")) {
                c.skip();
            }
            c.accept("AS");
            c.accept("NOT");
            c.accept("MATERIALIZED");
            c.skip();
        } while (c.accept(","));
        Token verb = c.peek();
        if (verb != null && verb.kind() == Kind.WORD) {
            statement(c, l);
        } else {
            l.unclassified(UNCLASSIFIED);
        }
    }

    private static void dml(Cursor c, Lint l) {
        Token verb = requireNonNull(c.next(), "verb");
        c.accept("FROM");
        c.accept("INTO");
        c.accept("ONLY");
        l.on(c.name());
        l.lock(LockMode.ROW_EXCLUSIVE);
        if (verb.is("INSERT") || verb.is("MERGE")) {
            return;
        }
        boolean where = c.find(0, "WHERE") >= 0;
        if (where) {
            l.note("row locks on the matched rows until commit");
        } else if (verb.is("UPDATE")) {
            l.rewrites();
            l.risk("UNSAFE: UPDATE without WHERE changes every row in one transaction; use a backfill");
        } else {
            l.scans();
            l.risk("UNSAFE: DELETE without WHERE deletes every row in one transaction; delete in batches");
        }
    }

    private static void copy(Cursor c, Lint l) {
        c.accept("COPY");
        l.on(c.name());
        if (c.at("(")) {
            c.skip();
        }
        l.lock(c.at("FROM") ? LockMode.ROW_EXCLUSIVE : LockMode.ACCESS_SHARE);
    }

    private static void select(Cursor c, Lint l) {
        boolean locking = c.find(0, "FOR", "UPDATE") >= 0
                || c.find(0, "FOR", "SHARE") >= 0
                || c.find(0, "FOR", "NO", "KEY", "UPDATE") >= 0
                || c.find(0, "FOR", "KEY", "SHARE") >= 0;
        l.lock(locking ? LockMode.ROW_SHARE : LockMode.ACCESS_SHARE);
    }

    private static void comment(Cursor c, Lint l) {
        // COMMENT ON and SECURITY LABEL lock the object they describe against a concurrent DROP
        c.accept("COMMENT");
        c.accept("SECURITY", "LABEL");
        if (c.accept("FOR")) {
            c.next();
        }
        c.accept("ON");
        l.lock(LockMode.NONE);
        if (c.accept("TABLE") || c.accept("VIEW") || c.accept("MATERIALIZED", "VIEW") || c.accept("FOREIGN", "TABLE")) {
            l.on(c.name());
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
        } else if (c.accept("COLUMN")) {
            List<String> name = c.name();
            l.on(name.subList(0, Math.max(0, name.size() - 1)));
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
        } else if (c.atAny("CONSTRAINT", "TRIGGER", "POLICY", "RULE")) {
            c.next();
            c.name();
            if (c.accept("ON") && !c.at("DOMAIN")) {
                l.on(c.name());
                l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
            }
        } else if (c.atAny("INDEX", "SEQUENCE")) {
            l.lock(LockMode.SHARE_UPDATE_EXCLUSIVE);
        }
    }

    /** Collects what the statement does, strongest lock first. */
    private static final class Lint {
        private final String sql;
        private final Identifier defaultSchema;
        private LockMode lock = LockMode.NONE;
        private @Nullable TableName relation;
        private boolean rewrites;
        private boolean scans;
        private final Set<String> findings = new LinkedHashSet<>();
        private final Set<String> notes = new LinkedHashSet<>();

        Lint(String sql, Identifier defaultSchema) {
            this.sql = sql;
            this.defaultSchema = defaultSchema;
        }

        @CanIgnoreReturnValue
        Lint lock(LockMode mode) {
            if (mode.compareTo(lock) > 0) {
                lock = mode;
            }
            return this;
        }

        void rewrites() {
            rewrites = true;
            scans = true;
        }

        void scans() {
            scans = true;
        }

        void risk(String finding) {
            findings.add(finding);
        }

        void note(String note) {
            notes.add(note);
        }

        void unnamed(boolean named) {
            if (!named) {
                risk(UNNAMED_CONSTRAINT);
            }
        }

        void unclassified(String why) {
            lock(LockMode.ACCESS_EXCLUSIVE);
            risk(why);
        }

        /** The first table the statement names is the one its lock is reported on. */
        void on(List<String> name) {
            if (relation != null || name.isEmpty()) {
                return;
            }
            String table = name.get(name.size() - 1);
            String schema = name.size() > 1 ? name.get(name.size() - 2) : null;
            try {
                relation = new TableName(schema == null ? defaultSchema : Identifier.of(schema), Identifier.of(table));
            } catch (IllegalArgumentException e) {
                // "" is no name; PostgreSQL refuses the statement
                relation = null;
            }
        }

        /** {@return a token as the author wrote it, for messages} */
        String display(@Nullable Token t) {
            return t == null ? "?" : t.text();
        }

        String source(List<Token> tokens) {
            if (tokens.isEmpty()) {
                return "";
            }
            return sql.substring(
                    tokens.get(0).start(), tokens.get(tokens.size() - 1).end());
        }

        Finding result() {
            return new Finding(lock, relation, rewrites, scans, String.join("; ", findings), String.join("; ", notes));
        }
    }
}
