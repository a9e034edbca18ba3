package dev.tandem.testkit.database.internal;

import static java.util.Objects.requireNonNull;

/**
 * What a running server reported about itself.
 *
 * @param user the user the test kit is connected as ({@code current_user})
 * @param serverVersion {@code server_version}, e.g. {@code 17.6}
 * @param serverVersionNumber {@code server_version_num}, e.g. {@code 170006}
 */
public record ServerInfo(String user, String serverVersion, int serverVersionNumber) {
    /** Checks the components. */
    public ServerInfo {
        requireNonNull(user, "user");
        requireNonNull(serverVersion, "serverVersion");
    }

    /** {@return the major version, e.g. 17} */
    public int majorVersion() {
        return serverVersionNumber / 10_000;
    }
}
