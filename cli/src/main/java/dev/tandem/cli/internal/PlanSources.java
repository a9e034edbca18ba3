package dev.tandem.cli.internal;

import dev.tandem.MigrationPlan;
import dev.tandem.PlanCatalog;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the CLI finds the application's plans: the jars and directories given with {@code --plans}, then its own class
 * path, through every {@link dev.tandem.PlanProvider} listed in {@code META-INF/services}. Closing it closes the class
 * loader. Not thread-safe.
 */
public final class PlanSources implements AutoCloseable {

    private final List<Path> paths;
    private final URLClassLoader loader;
    private final PlanCatalog catalog;

    private PlanSources(List<Path> paths, URLClassLoader loader, PlanCatalog catalog) {
        this.paths = List.copyOf(paths);
        this.loader = loader;
        this.catalog = catalog;
    }

    /**
     * Loads the plans.
     *
     * @param entries the {@code --plans} values; each may join several paths with the platform's path separator, and a
     *     path ending in {@code *} stands for every jar of that directory, as with {@code java -cp}
     * @param parent the CLI's own class loader: it shares Tandem's classes with the plans and adds its class path
     * @return the plans
     * @throws UsageException if a path does not exist, or the plans cannot be loaded
     */
    public static PlanSources load(List<String> entries, ClassLoader parent) {
        List<Path> paths = paths(entries);
        List<URL> urls = new ArrayList<>();
        for (Path p : paths) {
            try {
                urls.add(p.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new UsageException("--plans: cannot use " + p + " as a class path entry: " + e.getMessage(), e);
            }
        }
        URLClassLoader loader = new URLClassLoader("tandem-plans", urls.toArray(URL[]::new), parent);
        try {
            return new PlanSources(paths, loader, PlanCatalog.load(loader));
        } catch (IllegalArgumentException | LinkageError e) {
            close(loader);
            // a provider that fails, two plans with one id, a class missing from --plans
            throw new UsageException(
                    "Cannot load the plans from " + describe(paths) + ": " + e.getMessage()
                            + (e instanceof LinkageError
                                    ? " (put the jars the plans need on --plans too, for example --plans 'lib/*')"
                                    : ""),
                    e);
        }
    }

    /** {@return the paths split, checked and with wildcards expanded, in order} */
    static List<Path> paths(List<String> entries) {
        List<Path> paths = new ArrayList<>();
        for (String entry : entries) {
            for (String part : entry.split(File.pathSeparator, -1)) {
                if (part.isBlank()) {
                    continue;
                }
                if (part.endsWith("*")) {
                    paths.addAll(jars(part));
                    continue;
                }
                Path p = Paths.get(part);
                if (!Files.exists(p)) {
                    throw new UsageException("--plans: " + p + " does not exist; give a jar or a directory of classes");
                }
                paths.add(p);
            }
        }
        return paths;
    }

    private static List<Path> jars(String wildcard) {
        String dirName = wildcard.substring(0, wildcard.length() - 1);
        Path dir = Paths.get(dirName.isEmpty() ? "." : dirName);
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--plans: " + dir + " in " + wildcard + " is not a directory");
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
                if (Files.isRegularFile(f) && name.endsWith(".jar")) {
                    jars.add(f);
                }
            }
        } catch (IOException e) {
            throw new UsageException("--plans: cannot list " + dir + " for " + wildcard + ": " + e.getMessage(), e);
        }
        jars.sort(null); // a directory lists in no fixed order; the class path should not depend on it
        return jars;
    }

    /** {@return the catalog} */
    public PlanCatalog catalog() {
        return catalog;
    }

    /** {@return the class loader of the plans, for the thread running them} */
    public ClassLoader loader() {
        return loader;
    }

    /**
     * {@return the plan with this id}
     *
     * @param id the plan's id
     * @throws UsageException if there is none; the message lists the ids there are and where they were looked for
     */
    public MigrationPlan plan(String id) {
        return catalog.find(id)
                .orElseThrow(() -> new UsageException("Unknown plan '" + id + "'. "
                        + (catalog.isEmpty()
                                ? "No plans were found in " + describe(paths)
                                        + ": give the jar or directory holding the application's PlanProvider with --plans"
                                : "Known plans: " + String.join(", ", catalog.ids()) + " (from " + describe(paths)
                                        + ")")));
    }

    /** {@return where the plans were looked for, for messages} */
    String describe() {
        return describe(paths);
    }

    private static String describe(List<Path> paths) {
        return paths.isEmpty() ? "the class path (no --plans given)" : "--plans " + paths + " and the class path";
    }

    @Override
    public void close() {
        close(loader);
    }

    private static void close(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // the process ends right after; an open jar file handle is no reason to fail the command
        }
    }
}
