package dev.tandem;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tandem");

    @Test
    void core_hasNoJdbcOrVendorDependency() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "javax.sql..", "..postgres..", "..testkit..", "org.jooq..")
                .check(CORE);
    }

    @Test
    void internal_neverCallsTrusted() {
        noClasses()
                .that()
                .resideInAPackage("..internal..")
                .should()
                .callMethod(dev.tandem.plan.SqlExpression.class, "trusted", String.class)
                .orShould()
                .callMethod(dev.tandem.plan.SqlStatement.class, "trusted", String.class)
                .check(CORE);
    }
}
