package dev.tandem.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A lexer for PostgreSQL SQL text, following the server's own rules ({@code scan.l}): words, quoted identifiers,
 * string literals ({@code '...'}, {@code E'...'} with backslash escapes, {@code B'...'}, {@code X'...'},
 * {@code N'...'}, {@code U&'...'}), dollar-quoted strings, nested block comments, line comments, numbers, operators
 * and punctuation. It never mistakes the inside of a comment or literal for a keyword, which is all a linter needs to
 * read a statement as SQL rather than as text.
 *
 * <p>Plain string literals follow {@code standard_conforming_strings = on} (a backslash is an ordinary character), the
 * setting Tandem's sessions require.
 */
public final class SqlTokens {
    private SqlTokens() {}

    /** What a token is. */
    public enum Kind {
        /** A keyword or unquoted identifier, such as {@code ALTER} or {@code customers}. */
        WORD,
        /** A double-quoted identifier, such as {@code "Order Lines"}. */
        QUOTED_IDENTIFIER,
        /** A single-quoted string literal, with its prefix if any ({@code E'...'}). */
        STRING,
        /** A dollar-quoted string, such as {@code $$...$$} or {@code $body$...$body$}. */
        DOLLAR_STRING,
        /** A numeric literal. */
        NUMBER,
        /** A positional parameter, such as {@code $1}. */
        PARAMETER,
        /** A run of operator characters, such as {@code =}, {@code ::} or {@code ->>}. */
        OPERATOR,
        /** One of {@code ( ) [ ] , ; . :}. */
        PUNCTUATION,
        /** A {@code --} comment, up to the end of its line. */
        LINE_COMMENT,
        /** A {@code /* ... *}{@code /} comment; they nest. */
        BLOCK_COMMENT
    }

    /**
     * One token.
     *
     * @param kind what it is
     * @param text the source text, exactly as written
     * @param start its offset in the source
     * @param depth how many parentheses and brackets enclose it; an opening or closing one counts as outside itself
     */
    public record Token(Kind kind, String text, int start, int depth) {

        /** {@return the offset just after the token} */
        public int end() {
            return start + text.length();
        }

        /**
         * {@return whether this is the keyword {@code word} (any case), or the punctuation or operator {@code word}}
         *
         * <p>A quoted identifier or a literal is never a keyword, whatever its text.
         *
         * @param word a keyword such as {@code CHECK}, or a symbol such as {@code (}
         */
        public boolean is(String word) {
            return switch (kind) {
                case WORD -> text.equalsIgnoreCase(word);
                case PUNCTUATION, OPERATOR -> text.equals(word);
                default -> false;
            };
        }

        /** {@return whether this is a comment} */
        public boolean isComment() {
            return kind == Kind.LINE_COMMENT || kind == Kind.BLOCK_COMMENT;
        }

        /** {@return whether this can name something: a word or a quoted identifier} */
        public boolean isIdentifier() {
            return kind == Kind.WORD || kind == Kind.QUOTED_IDENTIFIER;
        }

        /**
         * {@return the name as PostgreSQL stores it: a word folded to lower case (ASCII letters only, as the server
         * does), a quoted identifier without its quotes}
         *
         * <p>The escapes of a {@code U&"..."} identifier are left as written.
         */
        public String identifier() {
            if (kind == Kind.QUOTED_IDENTIFIER) {
                int open = text.indexOf('"');
                return text.substring(open + 1, text.length() - 1).replace("\"\"", "\"");
            }
            return foldCase(text);
        }
    }

    /** Thrown for a literal, quoted identifier or comment that the text never closes. */
    public static final class UnterminatedException extends IllegalArgumentException {
        private final String what;

        UnterminatedException(String what) {
            super("unterminated " + what);
            this.what = what;
        }

        /** {@return what is unterminated, such as {@code string literal} or {@code dollar-quoted string $x$}} */
        public String what() {
            return what;
        }
    }

    /**
     * {@return every token of {@code sql}, comments included, in order}
     *
     * @param sql the text
     * @throws UnterminatedException if a literal, quoted identifier or comment is not closed
     */
    public static List<Token> tokenize(String sql) {
        return new Lexer(sql).run();
    }

    /**
     * {@return the tokens of {@code sql} without its comments}
     *
     * @param sql the text
     * @throws UnterminatedException if a literal, quoted identifier or comment is not closed
     */
    public static List<Token> code(String sql) {
        List<Token> out = new ArrayList<>();
        for (Token t : tokenize(sql)) {
            if (!t.isComment()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * {@return the statements of a script, split on the semicolons that end a statement, each stripped and without
     * its semicolon; pieces holding only comments are left out}
     *
     * <p>A semicolon inside a literal, a quoted identifier, a comment, parentheses ({@code CREATE RULE ... DO (...; ...)})
     * or the {@code BEGIN ATOMIC ... END} body of a function does not end a statement.
     *
     * @param script the text
     * @throws UnterminatedException if a literal, quoted identifier or comment is not closed
     */
    public static List<String> splitStatements(String script) {
        List<Token> tokens = tokenize(script);
        List<String> out = new ArrayList<>();
        int from = 0;
        int first = 0;
        for (int end : separators(tokens)) {
            add(out, script, tokens.subList(first, end), from, tokens.get(end).start());
            from = tokens.get(end).end();
            first = end + 1;
        }
        add(out, script, tokens.subList(first, tokens.size()), from, script.length());
        return out;
    }

    private static void add(List<String> out, String script, List<Token> piece, int from, int to) {
        if (piece.stream().anyMatch(t -> !t.isComment())) {
            out.add(script.substring(from, to).strip());
        }
    }

    /**
     * {@return the indexes, in {@code tokens}, of the semicolons that end a statement}
     *
     * @param tokens a script's tokens, comments included or not
     */
    public static List<Integer> separators(List<Token> tokens) {
        List<Integer> out = new ArrayList<>();
        // psql's heuristic (psqlscan.l), made stricter as the server reads it: inside CREATE [OR REPLACE]
        // FUNCTION|PROCEDURE, BEGIN ATOMIC at the top level opens a SQL-standard body that only its END closes; a CASE
        // in it ends with END too; t.end or AS end is a name, not a keyword
        List<String> lead = new ArrayList<>();
        int beginDepth = 0;
        Token previous = null;
        List<Token> code = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (!tokens.get(i).isComment()) {
                code.add(tokens.get(i));
                index.add(i);
            }
        }
        for (int k = 0; k < code.size(); k++) {
            Token t = code.get(k);
            boolean name = previous != null && (previous.is(".") || previous.is("AS"));
            previous = t;
            if (t.is(";") && t.depth() == 0 && beginDepth == 0) {
                out.add(index.get(k));
                lead.clear();
                continue;
            }
            if (t.kind() != Kind.WORD) {
                continue;
            }
            if (lead.size() < 4) {
                lead.add(t.text().toUpperCase(Locale.ROOT));
            }
            if (t.depth() != 0 || name || !routine(lead)) {
                continue;
            }
            if (t.is("BEGIN") && k + 1 < code.size() && code.get(k + 1).is("ATOMIC")) {
                beginDepth++;
            } else if (t.is("CASE") && beginDepth > 0) {
                beginDepth++;
            } else if (t.is("END") && beginDepth > 0) {
                beginDepth--;
            }
        }
        return out;
    }

    private static boolean routine(List<String> lead) {
        if (lead.size() < 2 || !lead.get(0).equals("CREATE")) {
            return false;
        }
        if (lead.get(1).equals("FUNCTION") || lead.get(1).equals("PROCEDURE")) {
            return true;
        }
        return lead.size() >= 4
                && lead.get(1).equals("OR")
                && lead.get(2).equals("REPLACE")
                && (lead.get(3).equals("FUNCTION") || lead.get(3).equals("PROCEDURE"));
    }

    /**
     * {@return {@code word} folded to lower case the way PostgreSQL folds an unquoted identifier: ASCII letters only}
     *
     * @param word an unquoted word
     */
    public static String foldCase(String word) {
        StringBuilder b = new StringBuilder(word.length());
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return b.toString();
    }

    /**
     * A position in a list of tokens (usually without comments), with the matching a hand-written parser needs.
     * Not thread-safe.
     */
    public static final class Cursor {
        private final List<Token> tokens;
        private int pos;

        /**
         * A cursor at the first token.
         *
         * @param tokens the tokens
         */
        public Cursor(List<Token> tokens) {
            this.tokens = List.copyOf(tokens);
        }

        /** {@return whether every token has been consumed} */
        public boolean atEnd() {
            return pos >= tokens.size();
        }

        /** {@return the current position, for {@link #reset(int)}} */
        public int position() {
            return pos;
        }

        /**
         * Moves back (or forward) to a position.
         *
         * @param position a value {@link #position()} returned
         */
        public void reset(int position) {
            pos = position;
        }

        /**
         * {@return the tokens from {@code position} up to the current position}
         *
         * @param position a value {@link #position()} returned earlier
         */
        public List<Token> since(int position) {
            return tokens.subList(Math.max(0, Math.min(position, pos)), Math.min(pos, tokens.size()));
        }

        /** {@return the tokens from the current position on} */
        public List<Token> rest() {
            return tokens.subList(Math.min(pos, tokens.size()), tokens.size());
        }

        /**
         * {@return the token {@code ahead} places on, or {@code null} past the end}
         *
         * @param ahead 0 for the current token
         */
        public @Nullable Token peek(int ahead) {
            int i = pos + ahead;
            return i < tokens.size() ? tokens.get(i) : null;
        }

        /** {@return the current token, or {@code null} at the end} */
        public @Nullable Token peek() {
            return peek(0);
        }

        /** {@return the current token, consumed, or {@code null} at the end} */
        public @Nullable Token next() {
            Token t = peek();
            if (t != null) {
                pos++;
            }
            return t;
        }

        /**
         * {@return whether the next tokens are {@code words}, in order (see {@link Token#is(String)})}
         *
         * @param words keywords or symbols
         */
        public boolean at(String... words) {
            for (int k = 0; k < words.length; k++) {
                Token t = peek(k);
                if (t == null || !t.is(words[k])) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Consumes {@code words} if they come next.
         *
         * @param words keywords or symbols
         * @return whether they came next
         */
        public boolean accept(String... words) {
            if (!at(words)) {
                return false;
            }
            pos += words.length;
            return true;
        }

        /**
         * {@return whether the current token is one of {@code words}}
         *
         * @param words keywords or symbols
         */
        public boolean atAny(String... words) {
            Token t = peek();
            if (t == null) {
                return false;
            }
            for (String w : words) {
                if (t.is(w)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Skips one token, or a whole parenthesised or bracketed group when the current token opens one.
         *
         * @return whether there was anything to skip
         */
        public boolean skip() {
            Token t = next();
            if (t == null) {
                return false;
            }
            if (t.is("(") || t.is("[")) {
                while (!atEnd()) {
                    Token u = requireToken(next());
                    if ((u.is(")") || u.is("]")) && u.depth() == t.depth()) {
                        break;
                    }
                }
            }
            return true;
        }

        /**
         * Consumes a possibly qualified name ({@code a}, {@code "S"."T"}, {@code db.s.t}).
         *
         * @return its parts as PostgreSQL stores them, or an empty list (nothing consumed) if no name comes next
         */
        public List<String> name() {
            List<String> parts = new ArrayList<>();
            Token t = peek();
            if (t == null || !t.isIdentifier()) {
                return parts;
            }
            parts.add(t.identifier());
            pos++;
            while (at(".") && peek(1) != null && requireToken(peek(1)).isIdentifier()) {
                parts.add(requireToken(peek(1)).identifier());
                pos += 2;
            }
            return parts;
        }

        /**
         * Consumes a parenthesised option list, such as {@code (CONCURRENTLY, VERBOSE false)} or
         * {@code (fillfactor = 70)}, if one comes next.
         *
         * @return each option's name, folded, with its value as written ({@code ""} when it has none); empty if no
         *     list comes next
         */
        public Map<String, String> options() {
            Map<String, String> out = new HashMap<>();
            Token open = peek();
            if (open == null || !open.is("(")) {
                return out;
            }
            pos++;
            List<Token> item = new ArrayList<>();
            while (!atEnd()) {
                Token t = requireToken(next());
                if ((t.depth() == open.depth() + 1 && t.is(",")) || (t.depth() == open.depth() && t.is(")"))) {
                    option(item, out);
                    item.clear();
                    if (t.is(")")) {
                        break;
                    }
                } else {
                    item.add(t);
                }
            }
            return out;
        }

        /** Adds {@code name [= value]} or {@code prefix.name [= value]} to {@code out}. */
        private static void option(List<Token> item, Map<String, String> out) {
            if (item.isEmpty() || !item.get(0).isIdentifier()) {
                return;
            }
            String name = item.get(0).identifier();
            int k = 1;
            if (item.size() > 2 && item.get(1).is(".") && item.get(2).isIdentifier()) {
                name = name + '.' + item.get(2).identifier();
                k = 3;
            }
            if (k < item.size() && item.get(k).is("=")) {
                k++;
            }
            StringBuilder value = new StringBuilder();
            for (Token t : item.subList(k, item.size())) {
                value.append(value.length() == 0 ? "" : " ").append(t.text());
            }
            out.put(name, value.toString());
        }

        /**
         * {@return the index in {@link #rest()} of the first place where {@code words} follow one another at
         * parenthesis depth {@code depth}, or -1}
         *
         * @param depth the depth the first word must have
         * @param words keywords or symbols
         */
        public int find(int depth, String... words) {
            List<Token> rest = rest();
            for (int i = 0; i + words.length <= rest.size(); i++) {
                if (rest.get(i).depth() == depth && matches(rest, i, words)) {
                    return i;
                }
            }
            return -1;
        }

        private static boolean matches(List<Token> tokens, int from, String... words) {
            for (int k = 0; k < words.length; k++) {
                if (!tokens.get(from + k).is(words[k])) {
                    return false;
                }
            }
            return true;
        }

        private static Token requireToken(@Nullable Token t) {
            if (t == null) {
                throw new IllegalStateException("no token");
            }
            return t;
        }
    }

    /**
     * {@return whether an option list (see {@link Cursor#options()}) turns {@code name} on: present, without a value or
     * with a true one}
     *
     * @param options the options
     * @param name the option, lower case
     */
    public static boolean enabled(Map<String, String> options, String name) {
        String v = options.get(name);
        return v != null && !FALSE.contains(v.toLowerCase(Locale.ROOT));
    }

    private static final Set<String> FALSE = Set.of("false", "off", "0", "'false'", "'off'", "'0'");

    /** Scans one text; {@link #run()} once. */
    private static final class Lexer {
        private final String s;
        private final int n;
        private final List<Token> out = new ArrayList<>();
        private int i;
        private int depth;

        Lexer(String s) {
            this.s = s;
            this.n = s.length();
        }

        List<Token> run() {
            while (i < n) {
                char c = s.charAt(i);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == VERTICAL_TAB) {
                    i++;
                } else if (c == '-' && peek(1) == '-') {
                    int end = lineEnd(i);
                    emit(Kind.LINE_COMMENT, i, end);
                } else if (c == '/' && peek(1) == '*') {
                    emit(Kind.BLOCK_COMMENT, i, blockCommentEnd(i));
                } else if (c == '\'') {
                    emit(Kind.STRING, i, quotedEnd(i, '\'', false, "string literal"));
                } else if (c == '"') {
                    emit(Kind.QUOTED_IDENTIFIER, i, quotedEnd(i, '"', false, "quoted identifier"));
                } else if (c == '$') {
                    dollar();
                } else if (identStart(c)) {
                    word();
                } else if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
                    emit(Kind.NUMBER, i, numberEnd(i));
                } else if (c == '(' || c == '[') {
                    emit(Kind.PUNCTUATION, i, i + 1);
                    depth++;
                } else if (c == ')' || c == ']') {
                    depth = Math.max(0, depth - 1);
                    emit(Kind.PUNCTUATION, i, i + 1);
                } else if (c == ':' && peek(1) == ':') {
                    emit(Kind.OPERATOR, i, i + 2);
                } else if (",;.:".indexOf(c) >= 0) {
                    emit(Kind.PUNCTUATION, i, i + 1);
                } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
                    emit(Kind.OPERATOR, i, operatorEnd(i));
                } else {
                    // a character SQL has no use for; keep it visible rather than drop it
                    emit(Kind.OPERATOR, i, i + 1);
                }
            }
            return out;
        }

        private void emit(Kind kind, int from, int to) {
            out.add(new Token(kind, s.substring(from, to), from, depth));
            i = to;
        }

        private char peek(int ahead) {
            return i + ahead < n ? s.charAt(i + ahead) : '\0';
        }

        private int lineEnd(int from) {
            int j = from;
            while (j < n && s.charAt(j) != '\n' && s.charAt(j) != '\r') {
                j++;
            }
            return j;
        }

        private int blockCommentEnd(int from) {
            int nesting = 0;
            int j = from;
            while (j < n) {
                if (s.startsWith("/*", j)) {
                    nesting++;
                    j += 2;
                } else if (s.startsWith("*/", j)) {
                    nesting--;
                    j += 2;
                    if (nesting == 0) {
                        return j;
                    }
                } else {
                    j++;
                }
            }
            throw new UnterminatedException("/* comment");
        }

        /** The end of a quoted run opening at {@code from}; a doubled quote continues it. */
        private int quotedEnd(int from, char quote, boolean backslashEscapes, String what) {
            int j = from + 1;
            while (j < n) {
                char c = s.charAt(j);
                if (backslashEscapes && c == '\\') {
                    j += 2;
                } else if (c == quote) {
                    if (j + 1 < n && s.charAt(j + 1) == quote) {
                        j += 2;
                    } else {
                        return j + 1;
                    }
                } else {
                    j++;
                }
            }
            throw new UnterminatedException(what);
        }

        private void dollar() {
            if (isDigit(peek(1))) {
                int j = i + 1;
                while (j < n && isDigit(s.charAt(j))) {
                    j++;
                }
                emit(Kind.PARAMETER, i, j);
                return;
            }
            String tag = dollarTag(i);
            if (tag == null) {
                emit(Kind.OPERATOR, i, i + 1);
                return;
            }
            int end = s.indexOf(tag, i + tag.length());
            if (end < 0) {
                throw new UnterminatedException("dollar-quoted string " + tag);
            }
            emit(Kind.DOLLAR_STRING, i, end + tag.length());
        }

        /** {@return the tag ({@code $$}, {@code $name$}) opening at {@code from}, or {@code null}} */
        private @Nullable String dollarTag(int from) {
            int j = from + 1;
            while (j < n) {
                char c = s.charAt(j);
                if (c == '$') {
                    return s.substring(from, j + 1);
                }
                boolean ok = j == from + 1 ? identStart(c) : identStart(c) || isDigit(c);
                if (!ok) {
                    return null;
                }
                j++;
            }
            return null;
        }

        private void word() {
            int j = i + 1;
            while (j < n && (identStart(s.charAt(j)) || isDigit(s.charAt(j)) || s.charAt(j) == '$')) {
                j++;
            }
            char next = j < n ? s.charAt(j) : '\0';
            if (j == i + 1 && next == '\'') {
                char p = s.charAt(i);
                if (p == 'E' || p == 'e') {
                    emit(Kind.STRING, i, quotedEnd(j, '\'', true, "string literal"));
                    return;
                }
                if ("BbXxNn".indexOf(p) >= 0) {
                    emit(Kind.STRING, i, quotedEnd(j, '\'', false, "string literal"));
                    return;
                }
            }
            if (j == i + 1 && (s.charAt(i) == 'U' || s.charAt(i) == 'u') && next == '&' && j + 1 < n) {
                char q = s.charAt(j + 1);
                if (q == '\'') {
                    emit(Kind.STRING, i, quotedEnd(j + 1, '\'', false, "string literal"));
                    return;
                }
                if (q == '"') {
                    emit(Kind.QUOTED_IDENTIFIER, i, quotedEnd(j + 1, '"', false, "quoted identifier"));
                    return;
                }
            }
            emit(Kind.WORD, i, j);
        }

        private int numberEnd(int from) {
            int j = from;
            while (j < n) {
                char c = s.charAt(j);
                if (isDigit(c) || c == '.' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                    boolean exponent = (c == 'e' || c == 'E')
                            && j + 2 < n
                            && (s.charAt(j + 1) == '+' || s.charAt(j + 1) == '-')
                            && isDigit(s.charAt(j + 2));
                    j += exponent ? 2 : 1;
                } else {
                    break;
                }
            }
            return j;
        }

        private int operatorEnd(int from) {
            int j = from + 1;
            // an operator never swallows the start of a comment
            while (j < n
                    && OPERATOR_CHARS.indexOf(s.charAt(j)) >= 0
                    && !s.startsWith("--", j)
                    && !s.startsWith("/*", j)) {
                j++;
            }
            return j;
        }

        private static boolean identStart(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }

    private static final char VERTICAL_TAB = 11;

    private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";
}
