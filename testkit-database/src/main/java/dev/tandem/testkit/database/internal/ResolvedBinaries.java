package dev.tandem.testkit.database.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A jar of zonky's PostgreSQL binaries chosen for a major version.
 *
 * @param majorVersion the PostgreSQL major version asked for
 * @param version the artifact version, e.g. {@code 17.6.0}
 * @param jar the jar file
 * @param origin where it was found, for logs
 */
public record ResolvedBinaries(int majorVersion, String version, Path jar, String origin) {
    /** Checks the components. */
    public ResolvedBinaries {
        requireNonNull(version, "version");
        requireNonNull(jar, "jar");
        requireNonNull(origin, "origin");
    }
}
