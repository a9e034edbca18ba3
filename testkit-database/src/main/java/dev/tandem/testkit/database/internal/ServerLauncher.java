package dev.tandem.testkit.database.internal;

import static java.util.Objects.requireNonNull;

import dev.tandem.testkit.database.PostgresSource;
import dev.tandem.testkit.database.PostgresUnavailableException;
import dev.tandem.testkit.database.TestPostgresConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts (or connects to) the server a configuration asks for. Never falls back to another source. */
public final class ServerLauncher {
    static final String DOCKER_CLIENT_FACTORY = "org.testcontainers.DockerClientFactory";

    private static final Logger log = LoggerFactory.getLogger(ServerLauncher.class);

    private ServerLauncher() {}

    /**
     * {@return a running server for the configuration}
     *
     * @param config what to start
     * @param shared whether the server is shared, and so stopped by the caller's JVM shutdown hook
     * @throws PostgresUnavailableException if the configured source cannot provide a server; the message says what
     *     was tried and which setting to change
     */
    public static ServerHandle launch(TestPostgresConfig config, boolean shared) {
        String jdbcUrl = config.jdbcUrl();
        PostgresSource source = SourceSelection.select(config.source(), jdbcUrl != null);
        if (SourceSelection.ignoresJdbcUrl(config.source(), jdbcUrl != null)) {
            log.warn(
                    "PostgreSQL source {} was asked for via tandem.postgres.source; TANDEM_TEST_JDBC_URL is set but"
                            + " not used",
                    source.settingValue());
        }
        log.debug("Starting PostgreSQL for tests from {}", config);
        return switch (source) {
            case EXTERNAL -> ExternalServer.connect(requireNonNull(jdbcUrl), config.user(), config.password());
            case EMBEDDED ->
                EmbeddedServer.start(config.majorVersion(), BinarySettings.fromSystemProperties(), !shared);
            case TESTCONTAINERS -> startContainer(config.majorVersion());
            case AUTO -> throw new IllegalStateException("AUTO is resolved by SourceSelection");
        };
    }

    private static ServerHandle startContainer(int majorVersion) {
        if (!isPresent(DOCKER_CLIENT_FACTORY) || !isPresent(ContainerServer.CONTAINER_CLASS)) {
            throw new PostgresUnavailableException(Messages.testcontainersMissing());
        }
        if (!DockerProbe.isDockerAvailable()) {
            throw new PostgresUnavailableException(Messages.dockerMissing());
        }
        return ContainerServer.start(majorVersion);
    }

    /**
     * {@return whether a class can be found, without initialising it}
     *
     * @param className binary class name
     */
    static boolean isPresent(String className) {
        try {
            Class.forName(className, false, ServerLauncher.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
