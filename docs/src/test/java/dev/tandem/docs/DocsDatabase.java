package dev.tandem.docs;

import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The samples' databases, and the SQL samples they run. Stateless. */
final class DocsDatabase {
    private DocsDatabase() {}

    /** {@return a fresh database on the shared test server the environment selects (embedded PostgreSQL by default)} */
    static TestDatabase create(String prefix) {
        return PostgresServers.shared(TestPostgresConfig.fromEnvironment()).createDatabase(prefix);
    }

    /** {@return the tagged region of a SQL sample under {@code src/test/resources}} */
    static String sql(String file, String tag) {
        String region =
                Snippets.regions(Snippets.read(Snippets.resolve(file)), file).get(tag);
        if (region == null) {
            throw new IllegalArgumentException("no tag '" + tag + "' in " + file);
        }
        return region;
    }

    /** Runs the statements of a SQL sample region (each ends with a semicolon at the end of a line). */
    static void run(DataSource ds, String file, String tag) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            for (String statement : statements(sql(file, tag))) {
                s.execute(statement);
            }
        }
    }

    /** {@return the result of each query of a SQL sample region, formatted as psql prints it} */
    static String query(DataSource ds, String file, String tag) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            for (String statement : statements(sql(file, tag))) {
                try (ResultSet rs = s.executeQuery(statement)) {
                    out.add(table(rs));
                }
            }
        }
        return String.join("\n\n", out);
    }

    static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Snippets.lines(sql)) {
            current.append(line).append('\n');
            if (line.stripTrailing().endsWith(";")) {
                String s = current.toString().strip();
                out.add(s.substring(0, s.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    /** {@return the rows as psql's aligned format prints them, with the row count} */
    static String table(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[n];
        int[] width = new int[n];
        for (int i = 0; i < n; i++) {
            header[i] = md.getColumnLabel(i + 1);
            width[i] = header[i].length();
        }
        while (rs.next()) {
            String[] row = new String[n];
            for (int i = 0; i < n; i++) {
                String v = rs.getString(i + 1);
                row[i] = v == null ? "" : v;
                width[i] = Math.max(width[i], row[i].length());
            }
            rows.add(row);
        }
        StringBuilder out = new StringBuilder();
        line(out, header, width);
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : "+").append("-".repeat(width[i] + 2));
        }
        out.append('\n');
        for (String[] row : rows) {
            line(out, row, width);
        }
        out.append('(').append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)");
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            l.append(i == 0 ? " " : " | ").append(cells[i]).append(" ".repeat(width[i] - cells[i].length()));
        }
        out.append(l.toString().stripTrailing()).append('\n');
    }
}
