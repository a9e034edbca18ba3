package dev.tandem.internal;

import java.util.List;
import java.util.Locale;

/**
 * Checks on author-supplied SQL fragments: statement separators and comments outside string literals, quoted
 * identifiers and dollar-quoted bodies, found by {@link SqlTokens}, which is all Tandem needs to embed a fragment
 * safely.
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
     *     quotes; a statement may have a {@code ;} inside parentheses or a {@code BEGIN ATOMIC} body
     */
    public static void checkFragment(String sql, String kind, boolean allowLineComments) {
        Checks.argument(!sql.isBlank(), "SQL %s must not be blank", kind);
        Checks.argument(
                sql.indexOf('\0') < 0, "SQL %s must not contain NUL characters: %s", kind, sql.replace("\0", "\\0"));
        List<SqlTokens.Token> tokens;
        try {
            tokens = SqlTokens.tokenize(sql);
        } catch (SqlTokens.UnterminatedException e) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "SQL %s has an unterminated %s: %s", kind, e.what(), sql), e);
        }
        boolean statement = kind.equals("statement");
        List<Integer> separators = SqlTokens.separators(tokens);
        for (int i = 0; i < tokens.size(); i++) {
            SqlTokens.Token t = tokens.get(i);
            Checks.argument(
                    allowLineComments || t.kind() != SqlTokens.Kind.LINE_COMMENT,
                    "SQL %s must not contain a line comment (--): it would hide the rest of the generated statement. Use /* */ instead: %s",
                    kind,
                    sql);
            if (t.is(";") && (!statement || separators.contains(i))) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "SQL %s must be a single %s without ';' but was: %s", kind, kind, sql));
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
}
