package dev.tandem.testkit.database.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small jars shaped like zonky's binary jars. */
final class FakeBinaries {
    private FakeBinaries() {}

    @CanIgnoreReturnValue
    static Path jar(Path file, String entry, String content) throws IOException {
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(content.getBytes(UTF_8));
            zip.closeEntry();
        }
        return file;
    }

    static byte[] jarBytes(Path scratch, String content) throws IOException {
        return Files.readAllBytes(jar(scratch, "postgres-linux-x86_64.txz", content));
    }
}
