package dev.tandem.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tandem.testkit");

    @Test
    void testkit_usesNoOtherModulesInternals() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.tandem.testkit", "dev.tandem.testkit.internal")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.tandem.postgres.internal..",
                        "dev.tandem.testkit.database.internal..",
                        "dev.tandem.internal..")
                .check(MAIN);
    }

    @Test
    void internals_stayOutOfThePublicApi() {
        noClasses()
                .that()
                .resideInAPackage("dev.tandem.testkit.internal..")
                .should()
                .dependOnClassesThat()
                .haveSimpleName("TandemExtension")
                .check(MAIN);
    }
}
