package dev.tandem.postgres;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.SqlExpression;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Builds a plan's expressions from jOOQ {@link Field}s and {@link Condition}s instead of SQL text, so mapping
 * expressions are type-checked Java:
 *
 * <pre>{@code
 * Field<String> address = DSL.field(DSL.name("address"), String.class);
 * DeriveColumns.on(TableName.of("customers"))
 *     .from("address")
 *     .into("city", ColumnType.varchar(100),
 *           JooqExpressions.of(DSL.trim(DSL.splitPart(address, ",", 2))));
 * }</pre>
 *
 * <p>jOOQ is an optional dependency of Tandem: add {@code org.jooq:jooq} (3.19.x for Java 17) to use this class. The
 * expression is rendered for PostgreSQL with bind values inlined as literals, and refers to columns by the names given
 * to jOOQ. This class is stateless and thread-safe.
 */
public final class JooqExpressions {
    private JooqExpressions() {}

    // jOOQ quotes names given with DSL.name(..); renderInlined() inlines bind values as literals.
    private static final DSLContext POSTGRES = DSL.using(SQLDialect.POSTGRES);

    /**
     * {@return the field as a plan expression}
     *
     * @param field an expression over the table's columns, unqualified
     */
    public static SqlExpression of(Field<?> field) {
        requireNonNull(field, "field");
        return new SqlExpression(POSTGRES.renderInlined(field));
    }

    /**
     * {@return the condition as a plan expression, for {@code mappableWhen}}
     *
     * @param condition a condition over the table's old columns, unqualified
     */
    public static SqlExpression of(Condition condition) {
        requireNonNull(condition, "condition");
        return new SqlExpression(POSTGRES.renderInlined(condition));
    }
}
