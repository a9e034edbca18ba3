package dev.tandem.testkit.database.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarBinaryResolverTest {
    @TempDir
    Path directory;

    @Test
    void chooseArchive_zonkyName_chosen() {
        List<String> entries = List.of("META-INF/MANIFEST.MF", "postgres-linux-x86_64.txz");

        assertThat(JarBinaryResolver.chooseArchive(entries, "Linux", "x86_64")).isEqualTo("postgres-linux-x86_64.txz");
    }

    @Test
    void chooseArchive_arm64_zonkyArchName() {
        List<String> entries = List.of("postgres-darwin-arm_64.txz", "postgres-darwin-x86_64.txz");

        assertThat(JarBinaryResolver.chooseArchive(entries, "Darwin", "aarch64"))
                .isEqualTo("postgres-darwin-arm_64.txz");
    }

    @Test
    void chooseArchive_otherNameButOnlyArchive_chosen() {
        assertThat(JarBinaryResolver.chooseArchive(
                        List.of("postgres-linux-x86_64-alpine_linux.txz"), "Linux", "x86_64"))
                .isEqualTo("postgres-linux-x86_64-alpine_linux.txz");
    }

    @Test
    void chooseArchive_noArchive_null() {
        assertThat(JarBinaryResolver.chooseArchive(List.of("META-INF/MANIFEST.MF"), "Linux", "x86_64"))
                .isNull();
    }

    @Test
    void getPgBinary_jarWithArchive_servesItsBytes() throws IOException {
        Path jar = FakeBinaries.jar(directory.resolve("binaries.jar"), "postgres-linux-x86_64.txz", "archive");

        try (InputStream in = new JarBinaryResolver(jar).getPgBinary("Linux", "x86_64")) {
            assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("archive");
        }
    }

    @Test
    void getPgBinary_jarWithoutArchive_failsNamingEntries() throws IOException {
        Path jar = FakeBinaries.jar(directory.resolve("binaries.jar"), "readme.txt", "x");

        assertThatThrownBy(() -> new JarBinaryResolver(jar).getPgBinary("Linux", "x86_64"))
                .isInstanceOf(IOException.class)
                .hasMessage("No postgres-*.txz archive for Linux x86_64 in " + jar + " (entries: [readme.txt])");
    }

    @Test
    void equals_sameJar_equal() {
        // zonky caches unpacked binaries per resolver: equal resolvers share one unpacked copy.
        assertThat(new JarBinaryResolver(Path.of("a.jar"))).isEqualTo(new JarBinaryResolver(Path.of("a.jar")));
    }
}
