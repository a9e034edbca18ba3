package dev.tandem.examples.customers;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record4;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jspecify.annotations.Nullable;

/**
 * Version 1 of the application ("blue"): stores a customer's address as one line of text in {@code address} and knows
 * nothing of the structured columns, nor of Tandem. It works unchanged before expand, after expand and through the
 * backfill, because the database derives the new columns from what it writes. After contract it fails, because
 * {@code address} is gone: that is what contract is for.
 *
 * <p>Every statement names its columns ({@code SELECT *} would break both versions' prepared statements when a column
 * is added or dropped). Thread-safe: each call borrows a connection from the data source.
 */
public final class AppV1 {
    static final Table<Record> CUSTOMERS = DSL.table(DSL.name("customers"));
    static final Field<Integer> ID = DSL.field(DSL.name("id"), SQLDataType.INTEGER);
    static final Field<String> NAME = DSL.field(DSL.name("name"), SQLDataType.VARCHAR(255));
    static final Field<String> EMAIL = DSL.field(DSL.name("email"), SQLDataType.VARCHAR(255));
    static final Field<String> ADDRESS = DSL.field(DSL.name("address"), SQLDataType.CLOB);

    private final DSLContext db;

    /**
     * Creates the application over a data source.
     *
     * @param dataSource the application's connection pool
     */
    public AppV1(DataSource dataSource) {
        this.db = DSL.using(requireNonNull(dataSource, "dataSource"), SQLDialect.POSTGRES);
    }

    /**
     * A customer as version 1 shows it.
     *
     * @param id the id
     * @param name the name
     * @param email the e-mail address
     * @param address the address as one line, or {@code null}
     */
    public record Customer(
            long id, String name, String email, @Nullable String address) {}

    /**
     * Creates a customer.
     *
     * @param name the name
     * @param email the e-mail address, unique
     * @param address the address as one line, or {@code null}
     * @return the new customer's id
     * @throws org.jooq.exception.DataAccessException if the database refuses, for example a duplicate e-mail
     */
    public long create(String name, String email, @Nullable String address) {
        return requireNonNull(db.insertInto(CUSTOMERS, NAME, EMAIL, ADDRESS)
                        .values(name, email, address)
                        .returningResult(ID)
                        .fetchOne())
                .value1();
    }

    /**
     * {@return the customer, if it exists}
     *
     * @param id the id
     */
    public Optional<Customer> get(long id) {
        return db.select(ID, NAME, EMAIL, ADDRESS)
                .from(CUSTOMERS)
                .where(ID.eq(Math.toIntExact(id)))
                .fetchOptional(AppV1::customer);
    }

    /**
     * {@return the newest customers, newest first}
     *
     * @param limit how many at most
     */
    public List<Customer> list(int limit) {
        return db.select(ID, NAME, EMAIL, ADDRESS)
                .from(CUSTOMERS)
                .orderBy(ID.desc())
                .limit(limit)
                .fetch(AppV1::customer);
    }

    /**
     * Changes a customer's address.
     *
     * @param id the id
     * @param address the new address as one line, or {@code null}
     * @return whether the customer exists
     */
    public boolean updateAddress(long id, @Nullable String address) {
        return db.update(CUSTOMERS)
                        .set(ADDRESS, address)
                        .where(ID.eq(Math.toIntExact(id)))
                        .execute()
                == 1;
    }

    /**
     * Changes a customer's address only if it still is {@code expected}: what a clean-up script uses so that it never
     * overwrites a change a customer made after the script read the row.
     *
     * @param id the id
     * @param expected the address the caller read
     * @param address the new address
     * @return whether the address was changed
     */
    public boolean replaceAddress(long id, String expected, @Nullable String address) {
        return db.update(CUSTOMERS)
                        .set(ADDRESS, address)
                        .where(ID.eq(Math.toIntExact(id)))
                        .and(ADDRESS.eq(expected))
                        .execute()
                == 1;
    }

    /**
     * Changes a customer's name.
     *
     * @param id the id
     * @param name the new name
     * @return whether the customer exists
     */
    public boolean updateName(long id, String name) {
        return db.update(CUSTOMERS)
                        .set(NAME, name)
                        .where(ID.eq(Math.toIntExact(id)))
                        .execute()
                == 1;
    }

    private static Customer customer(Record4<Integer, String, String, String> r) {
        return new Customer(r.value1(), r.value2(), r.value3(), r.value4());
    }
}
