package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Classifies a raw SQL statement against the unsafe-operations catalogue: the lock it takes, whether it rewrites or
 * scans the table, and what can go wrong. Best effort, by pattern: it labels raw statements in explain output so a
 * reviewer sees the risk the plan's author accepted.
 */
public final class RawSqlLinter {
    private RawSqlLinter() {}

    /**
     * The classification.
     *
     * @param lock the strongest table lock
     * @param relation the table as written in the statement, or {@code null}
     * @param rewrites whether it rewrites the table
     * @param scans whether it scans the table under its lock
     * @param finding what is risky, or empty
     */
    public record Finding(
            LockMode lock, @Nullable TableName relation, boolean rewrites, boolean scans, String finding) {}

    private static final String NAME =
            "((?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)(?:\\.(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*))?)";
    private static final Pattern ALTER_TABLE =
            Pattern.compile("^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern ON_TABLE = Pattern.compile("\\sON\\s+(?:ONLY\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern REINDEX = Pattern.compile(
            "^REINDEX\\s*(?:\\([^)]*\\)\\s*)?(?:INDEX|TABLE)\\s+(?:CONCURRENTLY\\s+)?" + NAME,
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DML_TABLE = Pattern.compile(
            "^(?:UPDATE|DELETE\\s+FROM|INSERT\\s+INTO|LOCK\\s+TABLE|DROP\\s+TABLE(?:\\s+IF\\s+EXISTS)?|VACUUM\\s+FULL|CLUSTER)\\s+(?:ONLY\\s+)?"
                    + NAME,
            Pattern.CASE_INSENSITIVE);

    /**
     * {@return the classification of {@code statement}}
     *
     * @param statement the raw statement
     * @param defaultSchema the schema for unqualified names
     */
    public static Finding lint(SqlStatement statement, Identifier defaultSchema) {
        String sql = statement.sql().strip();
        String u = sql.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        TableName rel = relation(sql, defaultSchema);
        if (u.startsWith("CREATE UNIQUE INDEX CONCURRENTLY") || u.startsWith("CREATE INDEX CONCURRENTLY")) {
            return new Finding(
                    LockMode.SHARE_UPDATE_EXCLUSIVE,
                    rel,
                    false,
                    true,
                    "builds without blocking writes; may leave an INVALID index on failure");
        }
        if (u.startsWith("CREATE INDEX") || u.startsWith("CREATE UNIQUE INDEX")) {
            return new Finding(
                    LockMode.SHARE,
                    rel,
                    false,
                    true,
                    "UNSAFE: blocks writes for the whole build; use CREATE INDEX CONCURRENTLY");
        }
        if (u.startsWith("REINDEX")) {
            boolean concurrently = u.matches("^REINDEX\\s*(\\([^)]*\\)\\s*)?(INDEX|TABLE) CONCURRENTLY .*");
            return concurrently
                    ? new Finding(
                            LockMode.SHARE_UPDATE_EXCLUSIVE,
                            rel,
                            false,
                            true,
                            "rebuilds without blocking writes; may leave an INVALID *_ccnew index on failure")
                    : new Finding(
                            LockMode.SHARE,
                            rel,
                            false,
                            true,
                            "UNSAFE: blocks writes while it rebuilds; use REINDEX ... CONCURRENTLY");
        }
        if (u.startsWith("DROP INDEX CONCURRENTLY")) {
            return new Finding(LockMode.SHARE_UPDATE_EXCLUSIVE, null, false, false, "");
        }
        if (u.startsWith("DROP INDEX")) {
            return new Finding(
                    LockMode.ACCESS_EXCLUSIVE,
                    null,
                    false,
                    false,
                    "UNSAFE: blocks reads and writes; use DROP INDEX CONCURRENTLY");
        }
        if (u.startsWith("VACUUM FULL") || u.startsWith("CLUSTER")) {
            return new Finding(
                    LockMode.ACCESS_EXCLUSIVE, rel, true, true, "UNSAFE: rewrites the table under ACCESS EXCLUSIVE");
        }
        if (u.startsWith("DROP TABLE")) {
            return new Finding(
                    LockMode.ACCESS_EXCLUSIVE,
                    rel,
                    false,
                    false,
                    "drops a table: make sure no application version uses it");
        }
        if (u.startsWith("UPDATE") || u.startsWith("DELETE")) {
            boolean whole = !u.contains(" WHERE ");
            return new Finding(
                    LockMode.ROW_EXCLUSIVE,
                    rel,
                    whole,
                    whole,
                    whole ? "UNSAFE: changes every row in one transaction; use a backfill" : "row locks until commit");
        }
        if (u.startsWith("ALTER TABLE")) {
            return alterTable(u, rel);
        }
        if (u.startsWith("LOCK TABLE")) {
            return new Finding(LockMode.ACCESS_EXCLUSIVE, rel, false, false, "explicit table lock");
        }
        if (u.startsWith("CREATE TABLE")
                || u.startsWith("CREATE SCHEMA")
                || u.startsWith("CREATE EXTENSION")
                || u.startsWith("CREATE FUNCTION")
                || u.startsWith("CREATE OR REPLACE FUNCTION")
                || u.startsWith("CREATE TYPE")
                || u.startsWith("COMMENT ON")
                || u.startsWith("CREATE SEQUENCE")) {
            return new Finding(LockMode.NONE, null, false, false, "");
        }
        if (u.startsWith("CREATE TRIGGER") || u.startsWith("CREATE OR REPLACE TRIGGER")) {
            return new Finding(LockMode.SHARE_ROW_EXCLUSIVE, rel, false, false, "blocks writes briefly");
        }
        return new Finding(
                LockMode.ACCESS_EXCLUSIVE,
                rel,
                false,
                false,
                "could not classify this statement; assuming ACCESS EXCLUSIVE");
    }

    private static Finding alterTable(String u, @Nullable TableName rel) {
        if (u.contains(" RENAME ")) {
            return new Finding(
                    LockMode.ACCESS_EXCLUSIVE,
                    rel,
                    false,
                    false,
                    "UNSAFE: renames in place, breaking the application version that uses the old name; derive a copy instead");
        }
        if ((u.contains(" ALTER COLUMN ") && u.contains(" TYPE ")) || u.contains(" SET DATA TYPE ")) {
            return new Finding(
                    LockMode.ACCESS_EXCLUSIVE,
                    rel,
                    true,
                    true,
                    "UNSAFE: changes a type in place; rewrites the table under ACCESS EXCLUSIVE unless binary-compatible");
        }
        if (u.contains(" SET NOT NULL")) {
            return new Finding(
                    LockMode.ACCESS_EXCLUSIVE,
                    rel,
                    false,
                    true,
                    "UNSAFE: scans the table under ACCESS EXCLUSIVE; add a CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL");
        }
        if (u.contains(" ADD COLUMN ") || (u.contains(" ADD ") && !u.contains(" CONSTRAINT "))) {
            boolean notNull = u.contains(" NOT NULL");
            boolean hasDefault = u.contains(" DEFAULT ");
            boolean volatileDefault = hasDefault
                    && (u.contains("RANDOM()")
                            || u.contains("CLOCK_TIMESTAMP()")
                            || u.contains("GEN_RANDOM_UUID()")
                            || u.contains("NEXTVAL(")
                            || u.contains(" SERIAL")
                            || u.contains("GENERATED ALWAYS AS ("));
            if (volatileDefault) {
                return new Finding(
                        LockMode.ACCESS_EXCLUSIVE,
                        rel,
                        true,
                        true,
                        "UNSAFE: a volatile default rewrites the table under ACCESS EXCLUSIVE");
            }
            if (notNull && !hasDefault) {
                return new Finding(
                        LockMode.ACCESS_EXCLUSIVE,
                        rel,
                        false,
                        false,
                        "UNSAFE: NOT NULL without a default fails on a non-empty table and breaks the old version's inserts");
            }
            return new Finding(LockMode.ACCESS_EXCLUSIVE, rel, false, false, "");
        }
        if (u.contains(" VALIDATE CONSTRAINT ")) {
            return new Finding(LockMode.SHARE_UPDATE_EXCLUSIVE, rel, false, true, "scans without blocking writes");
        }
        if (u.contains(" FOREIGN KEY ") && !u.contains(" NOT VALID")) {
            return new Finding(
                    LockMode.SHARE_ROW_EXCLUSIVE,
                    rel,
                    false,
                    true,
                    "UNSAFE: validates every row while blocking writes on both tables; add it NOT VALID, then VALIDATE");
        }
        if (u.contains(" CHECK ") && !u.contains(" NOT VALID")) {
            return new Finding(
                    LockMode.ACCESS_EXCLUSIVE,
                    rel,
                    false,
                    true,
                    "UNSAFE: scans the table under ACCESS EXCLUSIVE; add it NOT VALID, then VALIDATE");
        }
        if (u.contains(" ADD CONSTRAINT ")
                && (u.contains(" UNIQUE") || u.contains(" PRIMARY KEY"))
                && !u.contains(" USING INDEX")) {
            return new Finding(
                    LockMode.ACCESS_EXCLUSIVE,
                    rel,
                    false,
                    true,
                    "UNSAFE: builds an index under ACCESS EXCLUSIVE; build it CONCURRENTLY and add the constraint USING INDEX");
        }
        return new Finding(LockMode.ACCESS_EXCLUSIVE, rel, false, false, "");
    }

    private static @Nullable TableName relation(String sql, Identifier defaultSchema) {
        for (Pattern p : new Pattern[] {ALTER_TABLE, REINDEX, DML_TABLE, ON_TABLE}) {
            Matcher m = p.matcher(sql);
            if (m.find()) {
                return parseName(m.group(1), defaultSchema);
            }
        }
        return null;
    }

    private static TableName parseName(String text, Identifier defaultSchema) {
        // split on the dot outside quotes
        int dot = -1;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                dot = i;
            }
        }
        if (dot < 0) {
            return new TableName(defaultSchema, part(text));
        }
        return new TableName(part(text.substring(0, dot)), part(text.substring(dot + 1)));
    }

    private static Identifier part(String p) {
        if (p.startsWith("\"")) {
            return Identifier.of(p.substring(1, p.length() - 1).replace("\"\"", "\""));
        }
        return Identifier.of(p.toLowerCase(Locale.ROOT));
    }
}
