package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * AssertJ assertions on the schema and data of a database, as users of expand/contract migrations care about them:
 * columns, constraints (valid or {@code NOT VALID}), triggers, indexes, row counts, a plan's state, and that no
 * Tandem leftovers remain after contract or rollback. Get one from {@link TandemAssertions#assertThatSchema}.
 *
 * <pre>{@code
 * assertThatSchema(dataSource)
 *     .hasColumn(CUSTOMERS, "street_address")
 *     .doesNotHaveColumn(CUSTOMERS, "address")
 *     .hasNoTandemLeftovers();
 * }</pre>
 *
 * <p>Table names without a schema resolve through the connection's {@code search_path}. Each assertion reads the
 * catalog when it is called. Not thread-safe, like every AssertJ assertion object.
 */
public final class SchemaAssert extends AbstractAssert<SchemaAssert, DataSource> {
    private final Identifier stateSchema;

    SchemaAssert(DataSource dataSource, Identifier stateSchema) {
        super(dataSource, SchemaAssert.class);
        this.stateSchema = requireNonNull(stateSchema, "stateSchema");
    }

    /**
     * {@return an assertion that looks for Tandem's objects in another state schema (default {@code tandem})}
     *
     * @param schema the {@code PostgresOptions.stateSchema} the migrator used
     */
    public SchemaAssert withStateSchema(String schema) {
        return new SchemaAssert(actual, Identifier.of(schema));
    }

    /**
     * Checks that the table exists.
     *
     * @param table the table
     * @return this assertion
     * @throws AssertionError if it does not
     */
    @CanIgnoreReturnValue
    public SchemaAssert hasTable(TableName table) {
        if (query("SELECT count(*) FROM pg_class WHERE oid = to_regclass(?)", table.quoted()) == 0) {
            throw fail("Expected table " + table + " to exist, but it does not.");
        }
        return this;
    }

    /**
     * Checks that the table has the column.
     *
     * @param table the table
     * @param column the column name, case-sensitive
     * @return this assertion
     * @throws AssertionError if the table or the column does not exist
     */
    @CanIgnoreReturnValue
    public SchemaAssert hasColumn(TableName table, String column) {
        hasTable(table);
        if (!columnExists(table, column)) {
            throw fail("Expected " + table + " to have column "
                    + Identifier.of(column).quoted() + ", but it has only " + columns(table) + ".");
        }
        return this;
    }

    /**
     * Checks that the table does not have the column.
     *
     * @param table the table
     * @param column the column name, case-sensitive
     * @return this assertion
     * @throws AssertionError if the table does not exist or has the column
     */
    @CanIgnoreReturnValue
    public SchemaAssert doesNotHaveColumn(TableName table, String column) {
        hasTable(table);
        if (columnExists(table, column)) {
            throw fail("Expected " + table + " not to have column "
                    + Identifier.of(column).quoted() + ", but it has.");
        }
        return this;
    }

    /**
     * Checks that the table has a validated constraint of that name.
     *
     * @param table the table
     * @param constraint the constraint's name
     * @return this assertion
     * @throws AssertionError if there is no such constraint, or it is {@code NOT VALID}
     */
    @CanIgnoreReturnValue
    public SchemaAssert hasValidConstraint(TableName table, String constraint) {
        Boolean valid = constraintValid(table, constraint);
        if (valid == null || !valid) {
            throw fail("Expected " + table + " to have the validated constraint " + constraint + ", but it "
                    + (valid == null ? "has no such constraint." : "is NOT VALID."));
        }
        return this;
    }

    /**
     * Checks that the table has a constraint of that name that is not validated yet ({@code NOT VALID}).
     *
     * @param table the table
     * @param constraint the constraint's name
     * @return this assertion
     * @throws AssertionError if there is no such constraint, or it is validated
     */
    @CanIgnoreReturnValue
    public SchemaAssert hasNotValidConstraint(TableName table, String constraint) {
        Boolean valid = constraintValid(table, constraint);
        if (valid == null || valid) {
            throw fail("Expected " + table + " to have the NOT VALID constraint " + constraint + ", but it "
                    + (valid == null ? "has no such constraint." : "is validated."));
        }
        return this;
    }

    /**
     * Checks that the table has a (user) trigger of that name.
     *
     * @param table the table
     * @param trigger the trigger's name
     * @return this assertion
     * @throws AssertionError if it has not
     */
    @CanIgnoreReturnValue
    public SchemaAssert hasTrigger(TableName table, String trigger) {
        if (!triggers(table).contains(trigger)) {
            throw fail("Expected " + table + " to have trigger " + trigger + ", but it has " + triggers(table) + ".");
        }
        return this;
    }

    /**
     * Checks that the table has no (user) trigger of that name.
     *
     * @param table the table
     * @param trigger the trigger's name
     * @return this assertion
     * @throws AssertionError if it has
     */
    @CanIgnoreReturnValue
    public SchemaAssert doesNotHaveTrigger(TableName table, String trigger) {
        if (triggers(table).contains(trigger)) {
            throw fail("Expected " + table + " not to have trigger " + trigger + ", but it has.");
        }
        return this;
    }

    /**
     * Checks that the table has a valid index of that name (not one left {@code INVALID} by a failed {@code CREATE
     * INDEX CONCURRENTLY}).
     *
     * @param table the table
     * @param index the index's name
     * @return this assertion
     * @throws AssertionError if there is no such index, or it is invalid
     */
    @CanIgnoreReturnValue
    public SchemaAssert hasValidIndex(TableName table, String index) {
        List<String> valid = strings(
                "SELECT i.indisvalid::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                        + " WHERE i.indrelid = to_regclass(?) AND c.relname = ?",
                table.quoted(),
                index);
        if (valid.isEmpty() || !valid.get(0).equals("true")) {
            throw fail("Expected " + table + " to have the valid index " + index + ", but it "
                    + (valid.isEmpty() ? "has no such index." : "is INVALID."));
        }
        return this;
    }

    /**
     * Checks the number of rows in the table.
     *
     * @param table the table
     * @param expected the expected count
     * @return this assertion
     * @throws AssertionError if the count differs
     */
    @CanIgnoreReturnValue
    public SchemaAssert hasRowCount(TableName table, long expected) {
        long count = query("SELECT count(*) FROM " + table.quoted());
        if (count != expected) {
            throw fail("Expected " + table + " to have " + expected + " rows, but it has " + count + ".");
        }
        return this;
    }

    /**
     * Checks that no row of the table has NULL in the column, as after a complete backfill.
     *
     * @param table the table
     * @param column the column name, case-sensitive
     * @return this assertion
     * @throws AssertionError if some row has NULL there
     */
    @CanIgnoreReturnValue
    public SchemaAssert hasNoNullsIn(TableName table, String column) {
        hasColumn(table, column);
        long nulls = query("SELECT count(*) FROM " + table.quoted() + " WHERE "
                + Identifier.of(column).quoted() + " IS NULL");
        if (nulls > 0) {
            throw fail("Expected no NULL in " + table + "."
                    + Identifier.of(column).quoted() + ", but " + nulls + " rows have one.");
        }
        return this;
    }

    /**
     * Checks the state Tandem stored for a plan.
     *
     * @param plan the plan
     * @param expected the expected state
     * @return this assertion
     * @throws AssertionError if the plan is in another state
     */
    @CanIgnoreReturnValue
    public SchemaAssert hasPlanInState(MigrationPlan plan, PlanState expected) {
        requireNonNull(plan, "plan");
        requireNonNull(expected, "expected");
        PlanState state = PostgresMigrator.create(actual).status(plan).state();
        if (state != expected) {
            throw fail("Expected plan '" + plan.id() + "' to be " + expected + ", but it is " + state + ".");
        }
        return this;
    }

    /**
     * Checks that nothing of a plan's machinery is left, as after contract or rollback: no sync trigger ({@code
     * tandem_*}) on any table, no function in Tandem's state schema, and no {@code INVALID} index. Tandem's state tables
     * stay; they hold the plans' history.
     *
     * @return this assertion
     * @throws AssertionError naming every leftover
     */
    @CanIgnoreReturnValue
    public SchemaAssert hasNoTandemLeftovers() {
        List<String> leftovers = new ArrayList<>();
        for (String t : strings("SELECT format('trigger %I on %s', t.tgname, t.tgrelid::regclass) FROM pg_trigger t"
                + " WHERE NOT t.tgisinternal AND t.tgname LIKE 'tandem\\_%' ORDER BY 1")) {
            leftovers.add(t);
        }
        for (String f : strings(
                "SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p JOIN pg_namespace n ON n.oid ="
                        + " p.pronamespace WHERE n.nspname = ? ORDER BY 1",
                stateSchema.value())) {
            leftovers.add(f);
        }
        for (String i : strings("SELECT format('invalid index %s', i.indexrelid::regclass) FROM pg_index i"
                + " WHERE NOT i.indisvalid ORDER BY 1")) {
            leftovers.add(i);
        }
        if (!leftovers.isEmpty()) {
            throw fail("Expected no Tandem leftovers, but found: " + String.join(", ", leftovers) + ".");
        }
        return this;
    }

    private boolean columnExists(TableName table, String column) {
        return columns(table).contains(column);
    }

    private List<String> columns(TableName table) {
        return strings(
                "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped"
                        + " ORDER BY attnum",
                table.quoted());
    }

    private List<String> triggers(TableName table) {
        return strings(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(?) AND NOT tgisinternal ORDER BY 1",
                table.quoted());
    }

    private @Nullable Boolean constraintValid(TableName table, String constraint) {
        List<String> valid = strings(
                "SELECT convalidated::text FROM pg_constraint WHERE conrelid = to_regclass(?) AND conname = ?",
                table.quoted(),
                constraint);
        return valid.isEmpty() ? null : Boolean.valueOf(valid.get(0));
    }

    private long query(String sql, String... args) {
        List<String> rows = strings(sql, args);
        return rows.isEmpty() ? 0 : Long.parseLong(rows.get(0));
    }

    private List<String> strings(String sql, String... args) {
        isNotNull();
        try (Connection c = actual.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(String.valueOf(rs.getString(1)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Could not read the catalog: SQLState " + e.getSQLState() + ": " + e.getMessage(), e);
        }
    }

    private AssertionError fail(String message) {
        String description = info.descriptionText();
        return new AssertionError(
                description == null || description.isEmpty() ? message : "[" + description + "] " + message);
    }
}
