package dev.tandem.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A small lexer for author-supplied SQL fragments: it finds statement separators and comments outside string
 * literals, quoted identifiers and dollar-quoted bodies, which is all Tandem needs to embed a fragment safely.
 */
public final class SqlText {
    private SqlText() {}

    /**
     * Checks that {@code sql} is a single fragment.
     *
     * @param sql the text
     * @param kind "expression" or "statement", for messages
     * @param allowLineComments whether {@code --} comments are allowed (statements run on their own, expressions are
     *     embedded in larger statements where a line comment would hide the rest of the line)
     * @throws IllegalArgumentException if the fragment is blank, unterminated, or has {@code ;} (or {@code --}) outside
     *     quotes
     */
    public static void checkFragment(String sql, String kind, boolean allowLineComments) {
        Checks.argument(!sql.isBlank(), "SQL %s must not be blank", kind);
        Checks.argument(
                sql.indexOf('\0') < 0, "SQL %s must not contain NUL characters: %s", kind, sql.replace("\0", "\\0"));
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            String tag = c == '$' ? dollarTag(sql, i) : null;
            if (c == '\'' || c == '"') {
                int end = sql.indexOf(c, i + 1);
                // a doubled quote inside the literal continues it
                while (end >= 0 && end + 1 < n && sql.charAt(end + 1) == c) {
                    end = sql.indexOf(c, end + 2);
                }
                Checks.argument(
                        end >= 0,
                        "SQL %s has an unterminated %s: %s",
                        kind,
                        c == '"' ? "quoted identifier" : "string literal",
                        sql);
                i = end + 1;
            } else if (tag != null) {
                int end = sql.indexOf(tag, i + tag.length());
                Checks.argument(end >= 0, "SQL %s has an unterminated dollar-quoted string %s: %s", kind, tag, sql);
                i = end + tag.length();
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                Checks.argument(
                        allowLineComments,
                        "SQL %s must not contain a line comment (--): it would hide the rest of the generated statement. Use /* */ instead: %s",
                        kind,
                        sql);
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                Checks.argument(end >= 0, "SQL %s has an unterminated /* comment: %s", kind, sql);
                i = end + 2;
            } else if (c == ';') {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "SQL %s must be a single %s without ';' but was: %s", kind, kind, sql));
            } else {
                i++;
            }
        }
    }

    /**
     * {@return {@code sql} without trailing whitespace and one trailing semicolon}
     *
     * @param sql the statement text
     */
    public static String stripTrailingSemicolon(String sql) {
        String s = sql.strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1).strip() : s;
    }

    private static @Nullable String dollarTag(String sql, int start) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '$') {
                return sql.substring(start, i + 1);
            }
            if (!(Character.isLetterOrDigit(c) || c == '_') || (i == start + 1 && Character.isDigit(c))) {
                return null;
            }
            i++;
        }
        return null;
    }
}
