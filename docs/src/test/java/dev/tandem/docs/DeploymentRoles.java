package dev.tandem.docs;

import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The roles of {@code security.sql} for one test: the sample's {@code migrator} and {@code app} with unique names (roles
 * belong to the whole server, which the tests share), {@code shop} as the test's database; dropped on close.
 */
final class DeploymentRoles implements AutoCloseable {
    private static final Pattern NAMES = Pattern.compile("\\b(migrator|app|shop)\\b");

    private final TestDatabase db;
    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
            .toLowerCase(Locale.ROOT);
    private final List<String> created = new ArrayList<>();

    DeploymentRoles(TestDatabase db) {
        this.db = db;
    }

    /** {@return the server-wide name of the sample's role {@code migrator} or {@code app}} */
    String role(String sampleName) {
        return sampleName + "_" + suffix;
    }

    /** Runs a region of {@code security.sql} as the test's superuser, with the roles' and the database's names. */
    void run(String tag) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            for (String statement : DocsDatabase.statements(DocsDatabase.sql("security.sql", tag))) {
                Matcher m = NAMES.matcher(statement);
                StringBuilder sql = new StringBuilder();
                while (m.find()) {
                    String name = m.group(1).equals("shop") ? '"' + db.name() + '"' : role(m.group(1));
                    m.appendReplacement(sql, Matcher.quoteReplacement(name));
                }
                m.appendTail(sql);
                if (sql.toString().contains("CREATE ROLE ")) {
                    created.add(sql.toString().contains(role("migrator")) ? role("migrator") : role("app"));
                }
                s.execute(sql.toString());
            }
        }
    }

    /** {@return a data source that connects to the test's database as the sample's role} */
    DataSource connect(String sampleName) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(db.jdbcUrl());
        ds.setUser(role(sampleName));
        ds.setPassword("change-me");
        ds.setApplicationName(sampleName);
        return ds;
    }

    /** {@return the server's version number, such as 170002} */
    int serverVersion() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            for (String r : created) {
                s.execute("DROP OWNED BY " + r);
                s.execute("DROP ROLE IF EXISTS " + r);
            }
        }
    }
}
