package dev.tandem.testkit.database.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where {@link EmbeddedBinaries} looks for PostgreSQL binaries.
 *
 * @param binariesDirectory a directory of binary jars ({@code tandem.postgres.binaries.dir}), or {@code null}
 * @param localRepository the local Maven repository ({@code maven.repo.local}, else {@code ~/.m2/repository})
 * @param repository base URL of the remote Maven repository ({@code tandem.postgres.repository}, else Maven Central)
 * @param timeout connect and request timeout for downloads
 */
public record BinarySettings(@Nullable Path binariesDirectory, Path localRepository, URI repository, Duration timeout) {
    /** System property naming a directory that holds binary jars. */
    public static final String BINARIES_DIR_PROPERTY = "tandem.postgres.binaries.dir";
    /** System property naming the Maven repository to download binaries from. */
    public static final String REPOSITORY_PROPERTY = "tandem.postgres.repository";
    /** Maven Central. */
    public static final String DEFAULT_REPOSITORY = "https://repo.maven.apache.org/maven2";

    /** Checks the components and drops a trailing slash from the repository URL. */
    public BinarySettings {
        requireNonNull(localRepository, "localRepository");
        requireNonNull(repository, "repository");
        requireNonNull(timeout, "timeout");
        String text = repository.toString();
        if (text.endsWith("/")) {
            repository = URI.create(text.substring(0, text.length() - 1));
        }
    }

    /** {@return the settings from system properties} */
    public static BinarySettings fromSystemProperties() {
        String directory = System.getProperty(BINARIES_DIR_PROPERTY);
        String localRepository = System.getProperty("maven.repo.local");
        String repository = System.getProperty(REPOSITORY_PROPERTY);
        return new BinarySettings(
                isBlank(directory) ? null : Path.of(directory),
                isBlank(localRepository)
                        ? Path.of(System.getProperty("user.home"), ".m2", "repository")
                        : Path.of(localRepository),
                URI.create(isBlank(repository) ? DEFAULT_REPOSITORY : repository.trim()),
                Duration.ofMinutes(2));
    }

    private static boolean isBlank(@Nullable String value) {
        return value == null || value.isBlank();
    }
}
