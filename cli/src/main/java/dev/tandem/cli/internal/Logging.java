package dev.tandem.cli.internal;

/**
 * Configures the bundled slf4j-simple before the first logger exists: everything to stderr, since stdout carries the
 * results ({@code --json} output must stay parseable); Tandem's lifecycle at INFO, or DEBUG with {@code --verbose}.
 * System properties win over a {@code simplelogger.properties} that an application jar on the class path may bring.
 */
final class Logging {
    private Logging() {}

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    static void configure(boolean verbose) {
        System.setProperty(PREFIX + "logFile", "System.err");
        if (verbose) {
            System.setProperty(PREFIX + "defaultLogLevel", "info");
            System.setProperty(PREFIX + "log.dev.tandem", "debug");
        } else {
            setIfAbsent("defaultLogLevel", "warn");
            setIfAbsent("log.dev.tandem", "info");
        }
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("levelInBrackets", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
