package dev.tandem.postgres;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.tandem.internal.SqlTokens;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    static final JavaClasses POSTGRES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tandem.postgres");

    @Test
    void postgres_neverTouchesCoreInternals() {
        // one exception: the SQL lexer, so that the linter and SqlStatement.requiresNoTransaction() read a statement
        // the same way (with module-info this becomes "exports dev.tandem.internal to dev.tandem.postgres")
        noClasses()
                .should()
                .dependOnClassesThat(resideInAPackage("dev.tandem.internal..").and(not(belongToAnyOf(SqlTokens.class))))
                .check(POSTGRES);
    }

    @Test
    void internal_neverCallsTrusted() {
        noClasses()
                .that()
                .resideInAPackage("..internal..")
                .should()
                .callMethod(SqlExpression.class, "trusted", String.class)
                .orShould()
                .callMethod(SqlStatement.class, "trusted", String.class)
                .check(POSTGRES);
    }

    @Test
    void library_neverPrintsToTheConsole() {
        noClasses()
                .should()
                .accessField(System.class, "out")
                .orShould()
                .accessField(System.class, "err")
                .check(POSTGRES);
    }
}
