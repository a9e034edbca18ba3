package dev.tandem.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void identifier_empty_rejected() {
        assertThatThrownBy(() -> Identifier.of(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Identifier must not be empty or blank but was ' '");
    }

    @Test
    void identifier_nul_rejected() {
        assertThatThrownBy(() -> Identifier.of("a\0b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Identifier 'a\\0b' contains the control character U+0000 at index 1; use a printable name");
    }

    @Test
    void identifier_quoted_doublesEmbeddedQuotes() {
        assertThat(Identifier.of("a\"b").quoted()).isEqualTo("\"a\"\"b\"");
        assertThat(Identifier.of("Order").quoted()).isEqualTo("\"Order\"");
    }

    @Test
    void identifier_byteLength_countsUtf8() {
        assertThat(Identifier.of("東京").byteLength()).isEqualTo(6);
    }

    @Test
    void tableName_quoted_qualifiesWhenSchemaGiven() {
        assertThat(TableName.of("s", "t").quoted()).isEqualTo("\"s\".\"t\"");
        assertThat(TableName.of("t").qualifiedWith(Identifier.of("public")).quoted())
                .isEqualTo("\"public\".\"t\"");
    }

    @Test
    void columnType_acceptsTypeSyntax() {
        for (String t : new String[] {
            "text",
            "varchar(255)",
            "numeric(12,2)",
            "numeric(12, 2)",
            "timestamp with time zone",
            "timestamp(3) with time zone",
            "double precision",
            "text[]",
            "int[][]",
            "public.my_enum",
            "character varying(10)"
        }) {
            assertThat(ColumnType.of(t).sql()).isEqualTo(t);
        }
    }

    @Test
    void columnType_sqlInjection_rejected() {
        assertThatThrownBy(() -> ColumnType.of("text; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "'text; DROP TABLE x' is not a column type; expected a type name such as text, varchar(255), numeric(12,2) or text[]");
        assertThatThrownBy(() -> ColumnType.of("text DEFAULT now()")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sqlExpression_semicolonOutsideQuotes_rejected() {
        assertThatThrownBy(() -> SqlExpression.trusted("1; DROP TABLE t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SQL expression must be a single expression without ';' but was: 1; DROP TABLE t");
    }

    @Test
    void sqlExpression_semicolonInsideQuotes_allowed() {
        assertThat(SqlExpression.trusted("split_part(a, ';', 1)").sql()).isEqualTo("split_part(a, ';', 1)");
        assertThat(SqlExpression.trusted("\"odd;name\" || 'it''s; fine'").sql()).contains("odd;name");
        assertThat(SqlExpression.trusted("$x$a;b$x$").sql()).isEqualTo("$x$a;b$x$");
    }

    @Test
    void sqlExpression_lineComment_rejected() {
        assertThatThrownBy(() -> SqlExpression.trusted("a -- comment"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SQL expression must not contain a line comment (--)");
    }

    @Test
    void sqlExpression_unterminatedLiteral_rejected() {
        assertThatThrownBy(() -> SqlExpression.trusted("'abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SQL expression has an unterminated string literal: 'abc");
    }

    @Test
    void sqlStatement_twoStatements_rejected() {
        assertThat(SqlStatement.trusted("SELECT 1;").sql()).isEqualTo("SELECT 1");
        assertThatThrownBy(() -> SqlStatement.trusted("SELECT 1; SELECT 2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SQL statement must be a single statement without ';' but was: SELECT 1; SELECT 2");
    }

    @Test
    void stepId_invalid_rejected() {
        assertThatThrownBy(() -> StepId.of("Has Space"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Step id 'Has Space' is invalid");
    }
}
