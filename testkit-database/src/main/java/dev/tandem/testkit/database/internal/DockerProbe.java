package dev.tandem.testkit.database.internal;

import org.testcontainers.DockerClientFactory;

/**
 * Asks Testcontainers whether a Docker engine answers. Kept apart from {@link ContainerServer}: loading this class
 * needs only the Testcontainers core, not its PostgreSQL module.
 */
final class DockerProbe {
    private DockerProbe() {}

    static boolean isDockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }
}
