package dev.tandem.testkit.database.internal;

import dev.tandem.testkit.database.PostgresSource;
import dev.tandem.testkit.database.PostgresUnavailableException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL container started by Testcontainers 2.x. The only class that touches the container API; it is loaded
 * only when Testcontainers was asked for and {@link DockerProbe} found a Docker engine, so Testcontainers stays an
 * optional dependency.
 */
final class ContainerServer implements ServerHandle {
    static final String CONTAINER_CLASS = "org.testcontainers.postgresql.PostgreSQLContainer";

    private static final Logger log = LoggerFactory.getLogger(ContainerServer.class);

    private final PostgreSQLContainer container;
    private final String image;
    private final PgJdbcUrl url;
    private final String user;
    private final String password;
    private final ServerInfo info;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private ContainerServer(
            PostgreSQLContainer container, String image, PgJdbcUrl url, String user, String password, ServerInfo info) {
        this.container = container;
        this.image = image;
        this.url = url;
        this.user = user;
        this.password = password;
        this.info = info;
    }

    @SuppressWarnings("resource") // stopped by stop(), or here when the start fails
    static ServerHandle start(int majorVersion) {
        String image = "postgres:" + majorVersion;
        List<String> command = new ArrayList<>(List.of("postgres"));
        EmbeddedServer.SERVER_SETTINGS.forEach((key, value) -> {
            command.add("-c");
            command.add(key + "=" + value);
        });
        PostgreSQLContainer container;
        try {
            container =
                    new PostgreSQLContainer(DockerImageName.parse(image)).withCommand(command.toArray(String[]::new));
        } catch (RuntimeException e) {
            throw failure(image, e);
        }
        try {
            container.start();
            PgJdbcUrl url = PgJdbcUrl.parse(container.getJdbcUrl());
            String user = container.getUsername();
            String password = container.getPassword();
            ServerInfo info = Sql.inspect(url.toString(), user, password);
            return new ContainerServer(container, image, url, user, password, info);
        } catch (SQLException | RuntimeException e) {
            stopQuietly(container);
            throw failure(image, e);
        }
    }

    @Override
    public PostgresSource source() {
        return PostgresSource.TESTCONTAINERS;
    }

    @Override
    public ServerInfo info() {
        return info;
    }

    @Override
    public String description() {
        return "Testcontainers PostgreSQL " + info.serverVersion() + " (image " + image + ")";
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
        if (stopped.compareAndSet(false, true)) {
            stopQuietly(container);
        }
    }

    private static void stopQuietly(PostgreSQLContainer container) {
        try {
            container.stop();
        } catch (RuntimeException e) {
            log.warn("Could not stop the PostgreSQL container", e);
        }
    }

    private static PostgresUnavailableException failure(String image, Exception error) {
        String detail = error instanceof SQLException e ? Messages.describe(e) : String.valueOf(error);
        return new PostgresUnavailableException(Messages.containerFailed(image, detail), error);
    }
}
