package dev.tandem.testkit.database.internal;

import static java.util.Objects.requireNonNull;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.jspecify.annotations.Nullable;

/**
 * Serves the {@code postgres-<os>-<arch>.txz} archive from one binaries jar to zonky. A record, so that zonky's cache
 * of unpacked binaries (keyed by resolver) recognises the same jar.
 *
 * @param jar the binaries jar
 */
record JarBinaryResolver(Path jar) implements PgBinaryResolver {
    JarBinaryResolver {
        requireNonNull(jar, "jar");
    }

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> names = Collections.list(zip.entries()).stream()
                    .map(ZipEntry::getName)
                    .toList();
            String name = chooseArchive(names, system, machineHardware);
            if (name == null) {
                throw new IOException("No postgres-*.txz archive for " + system + " " + machineHardware + " in " + jar
                        + " (entries: " + names + ")");
            }
            ZipEntry entry = requireNonNull(zip.getEntry(name), name);
            // zonky reads the whole archive into memory anyway; this lets the jar be closed at once.
            try (InputStream in = zip.getInputStream(entry)) {
                return new ByteArrayInputStream(in.readAllBytes());
            }
        }
    }

    /**
     * {@return the archive entry to use: {@code postgres-<system>-<arch>.txz} as zonky names it, else the only {@code
     * postgres-*.txz} entry, else {@code null}}
     */
    static @Nullable String chooseArchive(List<String> entryNames, String system, String machineHardware) {
        String expected = "postgres-" + system.toLowerCase(Locale.ROOT) + "-" + zonkyArch(machineHardware) + ".txz";
        if (entryNames.contains(expected)) {
            return expected;
        }
        List<String> archives = entryNames.stream()
                .filter(name -> name.startsWith("postgres-") && name.endsWith(".txz"))
                .toList();
        return archives.size() == 1 ? archives.get(0) : null;
    }

    private static String zonkyArch(String machineHardware) {
        String arch = machineHardware.toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "x86_64", "amd64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            case "x86", "i386", "i486", "i586", "i686" -> "x86_32";
            default -> arch;
        };
    }
}
