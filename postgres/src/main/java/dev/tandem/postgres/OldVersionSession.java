package dev.tandem.postgres;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A connected session of the old application version, as {@code pg_stat_activity} shows it.
 *
 * @param pid the server process id ({@code SELECT pg_terminate_backend(pid)} ends it)
 * @param applicationName its {@code application_name}
 * @param role the role it logged in as
 * @param clientAddress the client's address, or {@code null} for a Unix socket
 * @param connectedAt when it connected
 * @param state {@code active}, {@code idle}, {@code idle in transaction}, ...
 */
public record OldVersionSession(
        int pid,
        String applicationName,
        String role,
        @Nullable String clientAddress,
        Instant connectedAt,
        String state) {

    /** {@return one line naming the session, for messages} */
    public String describe() {
        return "pid " + pid + " (application_name '" + applicationName + "', role " + role
                + (clientAddress == null ? "" : ", from " + clientAddress) + ", connected at " + connectedAt + ", "
                + state + ")";
    }
}
