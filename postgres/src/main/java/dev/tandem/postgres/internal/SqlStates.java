package dev.tandem.postgres.internal;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/** SQLState classification: what may be retried, what means "this value cannot be mapped". */
public final class SqlStates {
    private SqlStates() {}

    /** lock_not_available: raised when {@code lock_timeout} expires. */
    public static final String LOCK_NOT_AVAILABLE = "55P03";
    /** deadlock_detected. */
    public static final String DEADLOCK = "40P01";
    /** query_canceled: raised when {@code statement_timeout} expires (or on cancel). */
    public static final String QUERY_CANCELED = "57014";

    /**
     * {@return the SQLState of the exception or of the first chained one that has one}
     *
     * @param e the exception
     */
    public static @Nullable String of(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null) {
                return x.getSQLState();
            }
        }
        return null;
    }

    /**
     * {@return whether the failure was a lock timeout or a deadlock, which a retry can cure}
     *
     * @param e the exception
     */
    public static boolean lockFailure(SQLException e) {
        String s = of(e);
        return LOCK_NOT_AVAILABLE.equals(s) || DEADLOCK.equals(s);
    }

    /**
     * {@return whether the failure was a data exception (class 22): a value too long, a failed cast}
     *
     * @param e the exception
     */
    public static boolean dataException(SQLException e) {
        String s = of(e);
        return s != null && s.startsWith("22");
    }

    /**
     * {@return whether the statement was cancelled: by {@code statement_timeout}, or by another session}
     *
     * @param e the exception
     */
    public static boolean timeout(SQLException e) {
        return QUERY_CANCELED.equals(of(e));
    }

    /**
     * {@return whether {@code statement_timeout} cancelled the statement (not another session)}
     *
     * @param e the exception
     */
    public static boolean statementTimeout(SQLException e) {
        return timeout(e) && !cancelled(e);
    }

    /**
     * {@return whether another session cancelled the statement ({@code pg_cancel_backend}) or the client did}
     *
     * @param e the exception
     */
    public static boolean cancelled(SQLException e) {
        // PostgreSQL uses one SQLState for both; only the message tells them apart ("due to user request")
        return timeout(e) && String.valueOf(e.getMessage()).contains("user request");
    }

    /**
     * {@return whether the connection itself is gone (class 08, or the server shutting down)}
     *
     * @param e the exception
     */
    public static boolean connectionLost(SQLException e) {
        String s = of(e);
        return s != null && (s.startsWith("08") || s.startsWith("57P"));
    }

    /**
     * {@return the server's message alone: its first line, without the severity the driver puts in front
     * ({@code ERROR: }) and without the hint and context lines that follow}
     *
     * @param e the exception
     */
    public static String serverMessage(SQLException e) {
        String m = String.valueOf(e.getMessage()).strip();
        int newline = m.indexOf('\n');
        if (newline >= 0) {
            m = m.substring(0, newline).strip();
        }
        return m.replaceFirst("^\\p{Lu}+: ", "");
    }

    /**
     * {@return the exception's message without trailing periods, to be followed by Tandem's own sentences}
     *
     * @param e the exception
     */
    public static String message(SQLException e) {
        String m = String.valueOf(e.getMessage()).strip();
        while (m.endsWith(".")) {
            m = m.substring(0, m.length() - 1);
        }
        return m;
    }
}
