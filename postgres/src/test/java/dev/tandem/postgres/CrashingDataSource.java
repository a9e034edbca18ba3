package dev.tandem.postgres;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A data source whose process "dies" right before its n-th state write: a statement that writes (DML, DDL, DO,
 * GRANT...) or a commit. At that point the physical connection is closed, so the server rolls back what was not
 * committed and releases the session's advisory locks, exactly as after a crash, and every later call on that
 * connection fails. Counting with {@code crashAt = 0} never crashes and tells how many writes a run makes.
 */
final class CrashingDataSource implements DataSource {

    private static final Set<String> WRITES = Set.of(
            "INSERT",
            "UPDATE",
            "DELETE",
            "CREATE",
            "ALTER",
            "DROP",
            "DO",
            "GRANT",
            "REVOKE",
            "LOCK",
            "VACUUM",
            "REINDEX",
            "TRUNCATE",
            "COMMENT");
    private static final Pattern LEADING = Pattern.compile("^(\\s|--[^\\n]*\\n)*");

    private final DataSource target;
    private final int crashAt;
    private final AtomicInteger writes = new AtomicInteger();
    private volatile boolean crashed;

    CrashingDataSource(DataSource target, int crashAt) {
        this.target = target;
        this.crashAt = crashAt;
    }

    /** {@return the writes seen so far (including the one that crashed)} */
    int writes() {
        return writes.get();
    }

    /** {@return whether the crash happened} */
    boolean crashed() {
        return crashed;
    }

    static boolean isWrite(String sql) {
        String s = LEADING.matcher(sql).replaceFirst("").toUpperCase(Locale.ROOT);
        int end = 0;
        while (end < s.length() && Character.isLetter(s.charAt(end))) {
            end++;
        }
        return WRITES.contains(s.substring(0, end));
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(target.getConnection(username, password));
    }

    private Connection wrap(Connection real) {
        boolean[] dead = {false};
        InvocationHandler connection = new InvocationHandler() {
            @Override
            public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
                String name = m.getName();
                if (dead[0]) {
                    if (name.equals("isClosed")) {
                        return true;
                    }
                    if (name.equals("close")) {
                        return null;
                    }
                    if (name.equals("isValid")) {
                        return false;
                    }
                    throw new SQLException("This connection has been closed (after the injected crash)", "08003");
                }
                if (name.equals("commit")) {
                    point(real, dead, "COMMIT");
                }
                Object result = call(real, m, args);
                if (result instanceof PreparedStatement ps && args != null && args[0] instanceof String sql) {
                    return statement(ps, PreparedStatement.class, real, dead, sql);
                }
                if (result instanceof Statement st) {
                    return statement(st, Statement.class, real, dead, null);
                }
                return result;
            }
        };
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, connection);
    }

    private <T extends Statement> T statement(
            T real, Class<T> type, Connection connection, boolean[] dead, String prepared) {
        InvocationHandler h = (proxy, m, args) -> {
            if (dead[0]) {
                throw new SQLException("This connection has been closed (after the injected crash)", "08003");
            }
            String name = m.getName();
            if (name.startsWith("execute")) {
                String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : prepared;
                if (sql != null && isWrite(sql)) {
                    point(connection, dead, sql);
                }
            }
            return call(real, m, args);
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
    }

    /** One state write: the crash point when it is the n-th. */
    private void point(Connection real, boolean[] dead, String what) throws SQLException {
        int n = writes.incrementAndGet();
        if (n == crashAt) {
            crashed = true;
            dead[0] = true;
            try {
                real.abort(Runnable::run);
            } catch (SQLException e) {
                real.close();
            }
            throw new SQLException("injected crash before state write #" + n + ": " + what, "08006");
        }
    }

    private static Object call(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return target.isWrapperFor(iface);
    }
}
