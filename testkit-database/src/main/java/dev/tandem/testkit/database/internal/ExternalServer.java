package dev.tandem.testkit.database.internal;

import dev.tandem.testkit.database.PostgresSource;
import dev.tandem.testkit.database.PostgresUnavailableException;
import java.sql.SQLException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** An existing server at a configured JDBC URL; the test kit never starts or stops it. */
final class ExternalServer implements ServerHandle {
    private static final Set<String> CREDENTIALS = Set.of("user", "password");

    private final PgJdbcUrl url;
    private final String maskedUrl;
    private final @Nullable String user;
    private final @Nullable String password;
    private final ServerInfo info;

    private ExternalServer(
            PgJdbcUrl url, String maskedUrl, @Nullable String user, @Nullable String password, ServerInfo info) {
        this.url = url;
        this.maskedUrl = maskedUrl;
        this.user = user;
        this.password = password;
        this.info = info;
    }

    /**
     * Connects to the server once to check it answers.
     *
     * @throws PostgresUnavailableException if it does not; the message has the URL with the password masked
     */
    static ServerHandle connect(String jdbcUrl, @Nullable String user, @Nullable String password) {
        PgJdbcUrl parsed = PgJdbcUrl.parse(jdbcUrl);
        // Credentials move out of the URL, so that the URLs handed to tests carry no secret.
        String effectiveUser = user != null ? user : parsed.parameter("user");
        String effectivePassword = password != null ? password : parsed.parameter("password");
        PgJdbcUrl url = parsed.withoutParameters(CREDENTIALS);
        String maskedUrl = JdbcUrls.mask(jdbcUrl);
        ServerInfo info;
        try {
            info = Sql.inspect(url.toString(), effectiveUser, effectivePassword);
        } catch (SQLException e) {
            throw new PostgresUnavailableException(Messages.externalUnreachable(maskedUrl, e), e);
        }
        return new ExternalServer(url, maskedUrl, effectiveUser, effectivePassword, info);
    }

    @Override
    public PostgresSource source() {
        return PostgresSource.EXTERNAL;
    }

    @Override
    public ServerInfo info() {
        return info;
    }

    @Override
    public String description() {
        return "external server " + maskedUrl;
    }

    @Override
    public String adminJdbcUrl() {
        return url.toString();
    }

    @Override
    public @Nullable String user() {
        return user;
    }

    @Override
    public @Nullable String password() {
        return password;
    }

    @Override
    public String jdbcUrlFor(String database) {
        return url.withDatabase(database).toString();
    }

    @Override
    public void stop() {
        // Not ours to stop.
    }
}
