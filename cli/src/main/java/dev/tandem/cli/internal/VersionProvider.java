package dev.tandem.cli.internal;

import dev.tandem.cli.TandemCli;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version in the jar's manifest. Stateless. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = TandemCli.class.getPackage().getImplementationVersion();
        return new String[] {
            "tandem " + (version == null ? "(development build)" : version),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name", "unknown VM") + ")"
        };
    }
}
