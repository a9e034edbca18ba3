package dev.tandem.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.tandem.internal.SqlTokens.Token;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqlTokensTest {

    /** Each token as {@code KIND:text}, joined by {@code " | "}. */
    private static String render(String sql) {
        return SqlTokens.tokenize(sql).stream()
                .map(t -> t.kind() + ":" + t.text())
                .collect(Collectors.joining(" | "));
    }

    static Stream<Arguments> tokens() {
        return Stream.of(
                arguments("ALTER TABLE t", "WORD:ALTER | WORD:TABLE | WORD:t"),
                arguments("SELECT 'a''b', x", "WORD:SELECT | STRING:'a''b' | PUNCTUATION:, | WORD:x"),
                // standard_conforming_strings: a backslash ends nothing
                arguments("SELECT '\\' x", "WORD:SELECT | STRING:'\\' | WORD:x"),
                arguments("E'it\\'s' x", "STRING:E'it\\'s' | WORD:x"),
                arguments("e'\\\\' x", "STRING:e'\\\\' | WORD:x"),
                arguments("B'101' X'ff' N'n'", "STRING:B'101' | STRING:X'ff' | STRING:N'n'"),
                arguments("U&'d\\0061t' U&\"d\\0061t\"", "STRING:U&'d\\0061t' | QUOTED_IDENTIFIER:U&\"d\\0061t\""),
                // a prefix only counts as one letter right before the quote
                arguments("some'x'", "WORD:some | STRING:'x'"),
                arguments("\"a\"\"b\".c", "QUOTED_IDENTIFIER:\"a\"\"b\" | PUNCTUATION:. | WORD:c"),
                arguments("$$ a; 'b \" $$ x", "DOLLAR_STRING:$$ a; 'b \" $$ | WORD:x"),
                arguments("$body$ $$ -- $body$;", "DOLLAR_STRING:$body$ $$ -- $body$ | PUNCTUATION:;"),
                arguments("$1 + a$b$", "PARAMETER:$1 | OPERATOR:+ | WORD:a$b$"),
                arguments("/* a /* b */ c */ d", "BLOCK_COMMENT:/* a /* b */ c */ | WORD:d"),
                arguments("-- c ; 'x\nCHECK", "LINE_COMMENT:-- c ; 'x | WORD:CHECK"),
                arguments(
                        "1.5e-3 .5 0x1F 1_000 42",
                        "NUMBER:1.5e-3 | NUMBER:.5 | NUMBER:0x1F | NUMBER:1_000 | NUMBER:42"),
                arguments("a::int", "WORD:a | OPERATOR::: | WORD:int"),
                arguments("a->>'k' <> b", "WORD:a | OPERATOR:->> | STRING:'k' | OPERATOR:<> | WORD:b"),
                // an operator never swallows a comment
                arguments("a+-- c\n1", "WORD:a | OPERATOR:+ | LINE_COMMENT:-- c | NUMBER:1"),
                arguments("a*/* c */b", "WORD:a | OPERATOR:* | BLOCK_COMMENT:/* c */ | WORD:b"),
                arguments("café \"ünï\"", "WORD:café | QUOTED_IDENTIFIER:\"ünï\""),
                arguments("a[1:2]", "WORD:a | PUNCTUATION:[ | NUMBER:1 | PUNCTUATION:: | NUMBER:2 | PUNCTUATION:]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void tokens(String sql, String expected) {
        assertThat(render(sql)).isEqualTo(expected);
    }

    @Test
    void depth_countsEnclosingParenthesesAndBrackets() {
        List<Token> tokens = SqlTokens.tokenize("f(a, (b))[1] c");
        assertThat(tokens.stream().map(t -> t.text() + "@" + t.depth()).collect(Collectors.joining(" ")))
                .isEqualTo("f@0 (@0 a@1 ,@1 (@1 b@2 )@1 )@0 [@0 1@1 ]@0 c@0");
    }

    @Test
    void keywordMatch_ignoresCase_butNeverMatchesQuotedIdentifiersOrLiterals() {
        List<Token> tokens = SqlTokens.tokenize("check \"CHECK\" 'CHECK' $$CHECK$$ /* CHECK */");
        assertThat(tokens).extracting(t -> t.is("CHECK")).containsExactly(true, false, false, false, false);
    }

    @Test
    void identifier_foldsAsciiOnly_andUnquotes() {
        List<Token> tokens = SqlTokens.tokenize("ÀBc \"Mixed\"\"Case\" Plain");
        assertThat(tokens).extracting(Token::identifier).containsExactly("Àbc", "Mixed\"Case", "plain");
    }

    @Test
    void code_dropsComments() {
        assertThat(SqlTokens.code("-- x\nA /* y */ B").stream().map(Token::text))
                .containsExactly("A", "B");
    }

    static Stream<Arguments> unterminated() {
        return Stream.of(
                arguments("SELECT 'abc", "string literal"),
                arguments("E'abc\\'", "string literal"),
                arguments("\"abc", "quoted identifier"),
                arguments("$x$ abc $y$", "dollar-quoted string $x$"),
                arguments("/* a /* b */", "/* comment"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void unterminated(String sql, String what) {
        assertThatThrownBy(() -> SqlTokens.tokenize(sql))
                .isInstanceOfSatisfying(
                        SqlTokens.UnterminatedException.class,
                        e -> assertThat(e.what()).isEqualTo(what));
    }

    static Stream<Arguments> splitStatements() {
        return Stream.of(
                arguments("SELECT 1; SELECT 2", List.of("SELECT 1", "SELECT 2")),
                arguments("SELECT ';'; SELECT \";\";", List.of("SELECT ';'", "SELECT \";\"")),
                arguments("-- a; b\nSELECT 1; /* ; */ SELECT 2", List.of("-- a; b\nSELECT 1", "/* ; */ SELECT 2")),
                arguments("SELECT 1; -- done", List.of("SELECT 1")),
                arguments(";; ;", List.of()),
                arguments("SELECT E'\\';'; SELECT 1", List.of("SELECT E'\\';'", "SELECT 1")),
                arguments(
                        "DO $$ BEGIN PERFORM 1; END $$; SELECT 2",
                        List.of("DO $$ BEGIN PERFORM 1; END $$", "SELECT 2")),
                arguments(
                        "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));"
                                + " SELECT 1",
                        List.of(
                                "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b"
                                        + " VALUES (2))",
                                "SELECT 1")),
                arguments(
                        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;"
                                + " SELECT CASE WHEN true THEN 1 END; END; SELECT 2",
                        List.of(
                                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;"
                                        + " SELECT CASE WHEN true THEN 1 END; END",
                                "SELECT 2")),
                // t.end and AS end are names, not the end of the body
                arguments(
                        "CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT t.end AS end FROM t; END; SELECT 3",
                        List.of(
                                "CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT t.end AS end FROM t; END",
                                "SELECT 3")),
                // outside a routine BEGIN opens nothing
                arguments("BEGIN; SELECT 1; COMMIT", List.of("BEGIN", "SELECT 1", "COMMIT")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void splitStatements(String script, List<String> expected) {
        assertThat(SqlTokens.splitStatements(script)).isEqualTo(expected);
    }

    @Test
    void cursor_readsNamesAndOptionLists() {
        SqlTokens.Cursor c = new SqlTokens.Cursor(
                SqlTokens.code("db.\"S\".t (CONCURRENTLY, verbose false, toast.autovacuum_enabled = off) rest"));
        assertThat(c.name()).containsExactly("db", "S", "t");
        assertThat(c.options())
                .containsEntry("concurrently", "")
                .containsEntry("verbose", "false")
                .containsEntry("toast.autovacuum_enabled", "off")
                .hasSize(3);
        assertThat(c.accept("REST")).isTrue();
        assertThat(c.atEnd()).isTrue();
    }

    @Test
    void enabled_readsBooleanOptionValues() {
        SqlTokens.Cursor c = new SqlTokens.Cursor(SqlTokens.code("(a, b true, c off, d 0, e 'false', f on)"));
        var options = c.options();
        assertThat(Stream.of("a", "b", "c", "d", "e", "f", "g").filter(o -> SqlTokens.enabled(options, o)))
                .containsExactly("a", "b", "f");
    }
}
