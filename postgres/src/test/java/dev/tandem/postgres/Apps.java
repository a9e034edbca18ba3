package dev.tandem.postgres;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The two application versions of the tutorial, reduced to what the tests need: plain JDBC, no dual-write code. */
public final class Apps {
    private Apps() {}

    /** Version 1: reads and writes {@code address} only. */
    public static final class V1 {
        private final DataSource ds;

        public V1(DataSource ds) {
            this.ds = ds;
        }

        @CanIgnoreReturnValue
        public long insert(String name, String email, String address) throws SQLException {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO customers (name, email, address) VALUES (?, ?, ?) RETURNING id")) {
                ps.setString(1, name);
                ps.setString(2, email);
                ps.setString(3, address);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        public void updateAddress(long id, String address) throws SQLException {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement("UPDATE customers SET address = ? WHERE id = ?")) {
                ps.setString(1, address);
                ps.setLong(2, id);
                ps.executeUpdate();
            }
        }

        public String address(long id) throws SQLException {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT address FROM customers WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }
    }

    /** The structured address version 2 works with. */
    public record Address(String street, String city, String state, String zip) {}

    /** Version 2: reads and writes the structured columns only. */
    public static final class V2 {
        private final DataSource ds;

        public V2(DataSource ds) {
            this.ds = ds;
        }

        @CanIgnoreReturnValue
        public long insert(String name, String email, Address a) throws SQLException {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps =
                            c.prepareStatement("INSERT INTO customers (name, email, street_address, city,"
                                    + " state, zip_code) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
                ps.setString(1, name);
                ps.setString(2, email);
                ps.setString(3, a.street());
                ps.setString(4, a.city());
                ps.setString(5, a.state());
                ps.setString(6, a.zip());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        public void update(long id, Address a) throws SQLException {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement("UPDATE customers SET street_address = ?, city = ?,"
                            + " state = ?, zip_code = ? WHERE id = ?")) {
                ps.setString(1, a.street());
                ps.setString(2, a.city());
                ps.setString(3, a.state());
                ps.setString(4, a.zip());
                ps.setLong(5, id);
                ps.executeUpdate();
            }
        }

        public Address address(long id) throws SQLException {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement(
                            "SELECT street_address, city, state, zip_code FROM customers WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Address(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
                }
            }
        }

        public void rename(long id, String name) throws SQLException {
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE customers SET name = '" + name.replace("'", "''") + "' WHERE id = " + id);
            }
        }
    }
}
