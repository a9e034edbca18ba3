package dev.tandem.examples.customers;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record7;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jspecify.annotations.Nullable;

/**
 * Version 2 of the application ("green"): stores a customer's address in {@code street_address}, {@code city},
 * {@code state} and {@code zip_code} and never touches {@code address}. Unlike the tutorial's version 2 it has <b>no
 * dual-write code</b>: while both versions run, the database (Tandem's sync trigger) writes {@code address} for
 * version 1, and after contract there is nothing left to write. It may run once the plan's backfill is complete
 * ({@link dev.tandem.postgres.PlanStatus#newVersionMayRun()}): before that it would read the rows from before expand
 * without an address, and saving such a row back as read would erase its address.
 *
 * <p>Every statement names its columns. Thread-safe: each call borrows a connection from the data source.
 */
public final class AppV2 {
    static final Table<Record> CUSTOMERS = DSL.table(DSL.name("customers"));
    static final Field<Integer> ID = DSL.field(DSL.name("id"), SQLDataType.INTEGER);
    static final Field<String> NAME = DSL.field(DSL.name("name"), SQLDataType.VARCHAR(255));
    static final Field<String> EMAIL = DSL.field(DSL.name("email"), SQLDataType.VARCHAR(255));
    static final Field<String> STREET = DSL.field(DSL.name("street_address"), SQLDataType.VARCHAR(255));
    static final Field<String> CITY = DSL.field(DSL.name("city"), SQLDataType.VARCHAR(100));
    static final Field<String> STATE = DSL.field(DSL.name("state"), SQLDataType.VARCHAR(2));
    static final Field<String> ZIP = DSL.field(DSL.name("zip_code"), SQLDataType.VARCHAR(10));

    private final DSLContext db;

    /**
     * Creates the application over a data source.
     *
     * @param dataSource the application's connection pool
     */
    public AppV2(DataSource dataSource) {
        this.db = DSL.using(requireNonNull(dataSource, "dataSource"), SQLDialect.POSTGRES);
    }

    /**
     * A customer as version 2 shows it.
     *
     * @param id the id
     * @param name the name
     * @param email the e-mail address
     * @param address the structured address, or {@code null} if the customer has none (or version 1 wrote one that
     *     the plan could not map)
     */
    public record Customer(
            long id, String name, String email, @Nullable Address address) {}

    /**
     * Creates a customer.
     *
     * @param name the name
     * @param email the e-mail address, unique
     * @param address the address, or {@code null}
     * @return the new customer's id
     * @throws org.jooq.exception.DataAccessException if the database refuses, for example a duplicate e-mail or a
     *     part too long for its column
     */
    public long create(String name, String email, @Nullable Address address) {
        return requireNonNull(db.insertInto(CUSTOMERS, NAME, EMAIL, STREET, CITY, STATE, ZIP)
                        .values(
                                name,
                                email,
                                address == null ? null : address.street(),
                                address == null ? null : address.city(),
                                address == null ? null : address.state(),
                                address == null ? null : address.zip())
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
        return db.select(ID, NAME, EMAIL, STREET, CITY, STATE, ZIP)
                .from(CUSTOMERS)
                .where(ID.eq(Math.toIntExact(id)))
                .fetchOptional(AppV2::customer);
    }

    /**
     * {@return the newest customers, newest first}
     *
     * @param limit how many at most
     */
    public List<Customer> list(int limit) {
        return db.select(ID, NAME, EMAIL, STREET, CITY, STATE, ZIP)
                .from(CUSTOMERS)
                .orderBy(ID.desc())
                .limit(limit)
                .fetch(AppV2::customer);
    }

    /**
     * Changes a customer's address.
     *
     * @param id the id
     * @param address the new address, or {@code null} to remove it
     * @return whether the customer exists
     */
    public boolean updateAddress(long id, @Nullable Address address) {
        return db.update(CUSTOMERS)
                        .set(STREET, address == null ? null : address.street())
                        .set(CITY, address == null ? null : address.city())
                        .set(STATE, address == null ? null : address.state())
                        .set(ZIP, address == null ? null : address.zip())
                        .where(ID.eq(Math.toIntExact(id)))
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

    private static Customer customer(Record7<Integer, String, String, String, String, String, String> r) {
        String street = r.value4();
        String city = r.value5();
        String state = r.value6();
        String zip = r.value7();
        Address address = street == null && city == null && state == null && zip == null
                ? null
                : new Address(orEmpty(street), orEmpty(city), orEmpty(state), orEmpty(zip));
        return new Customer(r.value1(), r.value2(), r.value3(), address);
    }

    private static String orEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }
}
