package dev.tandem.examples.customers;

import static java.util.Objects.requireNonNull;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Version 1's schema, as the tutorial's {@code docker/init.sql} creates it, and seed data for it.
 *
 * <p>Stateless and thread-safe.
 */
public final class CustomersSchema {
    private CustomersSchema() {}

    /** The tutorial's table, before any migration. */
    static final String CREATE_TABLE = "CREATE TABLE customers ("
            + "id SERIAL PRIMARY KEY, "
            + "name varchar(255) NOT NULL, "
            + "email varchar(255) NOT NULL UNIQUE, "
            + "address text, "
            + "created_at timestamp DEFAULT CURRENT_TIMESTAMP, "
            + "updated_at timestamp DEFAULT CURRENT_TIMESTAMP)";

    /** The tutorial's redundant index: the UNIQUE constraint has one already. */
    static final String CREATE_INDEX = "CREATE INDEX idx_customers_email ON customers(email)";

    /**
     * What to seed.
     *
     * @param rows how many customers, at least 0
     * @param malformedShare the share of malformed addresses, between 0 and 1; their kinds take turns
     * @param nullShare the share of NULL addresses, between 0 and 1
     * @param randomSeed the seed of the generator: the same seed gives the same rows
     */
    public record Seed(int rows, double malformedShare, double nullShare, long randomSeed) {
        /**
         * Checks the values.
         *
         * @param rows rows
         * @param malformedShare share of malformed addresses
         * @param nullShare share of NULL addresses
         * @param randomSeed generator seed
         * @throws IllegalArgumentException if a value is out of range
         */
        public Seed {
            if (rows < 0) {
                throw new IllegalArgumentException("rows must be >= 0 but was " + rows);
            }
            if (!(malformedShare >= 0 && nullShare >= 0 && malformedShare + nullShare <= 1)) {
                throw new IllegalArgumentException("malformedShare (" + malformedShare + ") and nullShare (" + nullShare
                        + ") must be >= 0 and add up to at most 1");
            }
        }

        /**
         * {@return {@code rows} customers, 2% of them with a malformed address and 1% with none}
         *
         * @param rows how many customers
         */
        public static Seed of(int rows) {
            return new Seed(rows, 0.02, 0.01, 42);
        }

        /**
         * {@return {@code rows} customers whose addresses are all well-formed}
         *
         * @param rows how many customers
         */
        public static Seed wellFormed(int rows) {
            return new Seed(rows, 0, 0, 42);
        }
    }

    /**
     * What was seeded.
     *
     * @param rows customers inserted
     * @param nullAddresses customers without an address
     * @param malformedByKind malformed addresses by kind
     */
    public record SeedReport(int rows, int nullAddresses, Map<String, Integer> malformedByKind) {
        /**
         * Copies the map.
         *
         * @param rows rows
         * @param nullAddresses NULL addresses
         * @param malformedByKind malformed addresses by kind
         */
        public SeedReport {
            malformedByKind = Collections.unmodifiableMap(new LinkedHashMap<>(malformedByKind));
        }

        /** {@return how many addresses are malformed} */
        public int malformed() {
            return malformedByKind.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * Creates version 1's table.
     *
     * @param dataSource the database
     * @throws SQLException if the table exists or the database fails
     */
    public static void create(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(CREATE_TABLE);
            s.execute(CREATE_INDEX);
        }
    }

    /**
     * Inserts customers with {@code COPY} and analyzes the table. Customer <i>i</i> (from 1) is named
     * {@code Customer i} with e-mail {@code customer<i>i</i>@example.com}, so seeding twice fails on the unique
     * e-mail.
     *
     * @param dataSource the database, with the table created
     * @param seed what to insert
     * @return what was inserted
     * @throws SQLException if the database fails
     */
    public static SeedReport seed(DataSource dataSource, Seed seed) throws SQLException {
        requireNonNull(seed, "seed");
        SplittableRandom random = new SplittableRandom(seed.randomSeed());
        Map<AddressGenerator.Malformation, Integer> malformed = new EnumMap<>(AddressGenerator.Malformation.class);
        AddressGenerator.Malformation[] kinds = AddressGenerator.Malformation.values();
        int nulls = 0;
        int malformedCount = 0;
        try (Connection c = dataSource.getConnection()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            try (Writer out = new BufferedWriter(
                    new OutputStreamWriter(
                            new PGCopyOutputStream(pg, "COPY customers (name, email, address) FROM STDIN", 1 << 16),
                            StandardCharsets.UTF_8),
                    1 << 16)) {
                for (int i = 1; i <= seed.rows(); i++) {
                    double roll = random.nextDouble();
                    @Nullable String address;
                    if (roll < seed.nullShare()) {
                        address = null;
                        nulls++;
                    } else if (roll < seed.nullShare() + seed.malformedShare()) {
                        AddressGenerator.Malformation kind = kinds[malformedCount++ % kinds.length];
                        malformed.merge(kind, 1, Integer::sum);
                        address = AddressGenerator.malformed(random, kind);
                    } else {
                        address = AddressGenerator.wellFormed(random).toLine();
                    }
                    out.write("Customer " + i + "\tcustomer" + i + "@example.com\t"
                            + (address == null ? "\\N" : copyText(address)) + "\n");
                }
            } catch (IOException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw new UncheckedIOException(e);
            }
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE customers");
            }
        }
        Map<String, Integer> byKind = new LinkedHashMap<>();
        malformed.forEach((kind, n) -> byKind.put(kind.name(), n));
        return new SeedReport(seed.rows(), nulls, byKind);
    }

    /** Escapes a value for {@code COPY}'s text format. */
    static String copyText(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
