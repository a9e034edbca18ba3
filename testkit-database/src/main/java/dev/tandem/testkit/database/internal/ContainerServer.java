package dev.tandem.testkit.database.internal;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.tandem.testkit.database.PostgresSource;
import dev.tandem.testkit.database.PostgresUnavailableException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL container started by Testcontainers. The only class that touches the container API; it is loaded only
 * when Testcontainers was asked for and {@link DockerProbe} found a Docker engine.
 *
 * <p>The container class is used reflectively: in Testcontainers 1.x, {@code GenericContainer} implements JUnit 4's
 * {@code TestRule}, so calling it directly would put JUnit 4 (banned by our build) on the compile class path. At run
 * time JUnit 4 is still needed; without it, loading the class fails and {@link ServerLauncher} says so.
 */
final class ContainerServer implements ServerHandle {
    static final String CONTAINER_CLASS = "org.testcontainers.containers.PostgreSQLContainer";

    private static final Logger log = LoggerFactory.getLogger(ContainerServer.class);

    private final Object container;
    private final String image;
    private final PgJdbcUrl url;
    private final String user;
    private final String password;
    private final ServerInfo info;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private ContainerServer(
            Object container, String image, PgJdbcUrl url, String user, String password, ServerInfo info) {
        this.container = container;
        this.image = image;
        this.url = url;
        this.user = user;
        this.password = password;
        this.info = info;
    }

    static ServerHandle start(int majorVersion) {
        String image = "postgres:" + majorVersion;
        Class<?> type;
        try {
            type = Class.forName(CONTAINER_CLASS, true, ContainerServer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new PostgresUnavailableException(Messages.testcontainersMissing(), e);
        }
        Object container;
        try {
            container = type.getConstructor(DockerImageName.class).newInstance(DockerImageName.parse(image));
        } catch (ReflectiveOperationException e) {
            throw failure(image, e);
        }
        List<String> command = new ArrayList<>(List.of("postgres"));
        EmbeddedServer.SERVER_SETTINGS.forEach((key, value) -> {
            command.add("-c");
            command.add(key + "=" + value);
        });
        try {
            invoke(container, "withCommand", new Class<?>[] {String[].class}, (Object) command.toArray(String[]::new));
            invoke(container, "start", new Class<?>[0]);
            PgJdbcUrl url = PgJdbcUrl.parse(String.valueOf(invoke(container, "getJdbcUrl", new Class<?>[0])));
            String user = String.valueOf(invoke(container, "getUsername", new Class<?>[0]));
            String password = String.valueOf(invoke(container, "getPassword", new Class<?>[0]));
            ServerInfo info = Sql.inspect(url.toString(), user, password);
            return new ContainerServer(container, image, url, user, password, info);
        } catch (ReflectiveOperationException | SQLException | RuntimeException e) {
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

    @CanIgnoreReturnValue
    private static @Nullable Object invoke(Object target, String method, Class<?>[] types, Object... arguments)
            throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(method, types);
        return m.invoke(target, arguments);
    }

    private static void stopQuietly(Object container) {
        try {
            invoke(container, "stop", new Class<?>[0]);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Could not stop the PostgreSQL container", e);
        }
    }

    private static PostgresUnavailableException failure(String image, Exception error) {
        Throwable cause = error instanceof InvocationTargetException e && e.getCause() != null ? e.getCause() : error;
        String detail = cause instanceof SQLException e ? Messages.describe(e) : String.valueOf(cause);
        return new PostgresUnavailableException(Messages.containerFailed(image, detail), cause);
    }
}
