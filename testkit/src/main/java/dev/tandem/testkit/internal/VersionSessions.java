package dev.tandem.testkit.internal;

import dev.tandem.testkit.AppRole;
import dev.tandem.testkit.AppVersion;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * How an {@link AppVersion} connects: as its own {@link AppRole} (created on the server if missing, granted what it
 * names), with its session settings and JDBC properties.
 */
final class VersionSessions {
    /** SQLSTATEs of a role that another check created at the same moment. */
    private static final List<String> ALREADY_THERE = List.of("42710", "23505");

    private VersionSessions() {}

    /**
     * Creates each role that does not exist yet as a plain login role.
     *
     * @throws SQLException if a role could not be created
     * @throws IllegalArgumentException if a role is the user the harness itself connects as, or a superuser
     */
    static void createRoles(DataSource admin, String adminUser, List<AppRole> roles) throws SQLException {
        try (Connection c = admin.getConnection()) {
            c.setAutoCommit(true);
            for (AppRole role : roles) {
                if (role.name().equals(adminUser)) {
                    throw new IllegalArgumentException("role " + role.name()
                            + " is the user the harness runs the migration as;"
                            + " name the application's own role in connectsAs(AppRole.named(..))");
                }
                if (!exists(c, role.name())) {
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE ROLE " + role.name() + " LOGIN PASSWORD " + literal(role.password()));
                    } catch (SQLException e) {
                        if (!ALREADY_THERE.contains(e.getSQLState())) {
                            throw e;
                        }
                    }
                }
                if (superuser(c, role.name())) {
                    throw new IllegalArgumentException("role " + role.name()
                            + " exists on the test server as a superuser, which"
                            + " passes every privilege check; name another role for the application");
                }
            }
        }
    }

    /**
     * Runs {@code GRANT <privileges> TO <role>} for each grant of each role.
     *
     * @throws SQLException naming the grant that failed
     */
    static void grant(DataSource admin, List<AppRole> roles) throws SQLException {
        try (Connection c = admin.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            for (AppRole role : roles) {
                for (String privileges : role.grants()) {
                    String sql = "GRANT " + privileges + " TO " + role.name();
                    try {
                        s.execute(sql);
                    } catch (SQLException e) {
                        throw new SQLException(
                                sql + " failed: " + e.getMessage() + "; grants run once, on the schema before expand",
                                e.getSQLState(),
                                e);
                    }
                }
            }
        }
    }

    /** {@return a new pool of the test database that connects as the version does} */
    static DataSource pool(TestDatabase database, AppVersion version, String defaultApplicationName) {
        String applicationName = defaultApplicationName;
        List<String> settings = new ArrayList<>();
        for (Map.Entry<String, String> e : version.sessionSettings().entrySet()) {
            if (e.getKey().equalsIgnoreCase("application_name")) {
                applicationName = e.getValue();
            } else {
                settings.add("set_config(" + literal(e.getKey()) + ", " + literal(e.getValue()) + ", false)");
            }
        }
        String init = settings.isEmpty() ? null : "SELECT " + String.join(", ", settings);
        AppRole role = version.role();
        return database.newDataSource(4, applicationName, config -> {
            if (role != null) {
                config.setUsername(role.name());
                config.setPassword(role.password());
            }
            version.connectionProperties().forEach(config::addDataSourceProperty);
            if (init != null) {
                config.setConnectionInitSql(init);
            }
        });
    }

    /** {@return the distinct roles of the versions, in order} */
    static List<AppRole> roles(AppVersion... versions) {
        List<AppRole> roles = new ArrayList<>();
        for (AppVersion v : versions) {
            AppRole r = v.role();
            if (r != null && !roles.contains(r)) {
                roles.add(r);
            }
        }
        return roles;
    }

    private static boolean exists(Connection c, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean superuser(Connection c, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** {@return a SQL string literal; standard_conforming_strings is on in every supported release} */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
