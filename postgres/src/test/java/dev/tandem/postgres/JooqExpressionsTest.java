package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.jooq.Field;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

class JooqExpressionsTest {

    static final Field<String> ADDRESS = DSL.field(DSL.name("address"), String.class);

    @Test
    void of_field_rendersPostgresWithInlinedLiterals() {
        assertThat(JooqExpressions.of(DSL.trim(DSL.splitPart(ADDRESS, ",", 2))).sql())
                .isEqualTo("trim(split_part(\"address\", ',', 2))");
    }

    @Test
    void of_condition_rendersPostgres() {
        assertThat(JooqExpressions.of(ADDRESS.likeRegex("^[^,]+(,[^,]+){3}$")).sql())
                .isEqualTo("(\"address\" ~ '^[^,]+(,[^,]+){3}$')");
    }

    @Test
    void of_literalWithQuote_isEscaped() {
        assertThat(JooqExpressions.of(DSL.concat(ADDRESS, DSL.inline("it's"))).sql())
                .isEqualTo("(\"address\" || 'it''s')");
    }
}
