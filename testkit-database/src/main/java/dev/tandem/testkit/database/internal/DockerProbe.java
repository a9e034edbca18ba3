package dev.tandem.testkit.database.internal;

import org.testcontainers.DockerClientFactory;

/**
 * Asks Testcontainers whether a Docker engine answers. Kept apart from {@link ContainerServer}: loading this class
 * needs only Testcontainers, not the container classes (which, in 1.x, also need JUnit 4).
 */
final class DockerProbe {
    private DockerProbe() {}

    static boolean isDockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }
}
