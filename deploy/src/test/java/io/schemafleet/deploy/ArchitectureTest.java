package io.schemafleet.deploy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** The module layout tells the architecture; these rules keep it telling the truth. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.schemafleet");
    }

    @Test
    void everyModuleIsImported() {
        // Guards the rules below against passing vacuously on an empty import.
        assertThat(classes.stream().map(c -> c.getPackageName()))
                .anyMatch(p -> p.startsWith("io.schemafleet.protocol"))
                .anyMatch(p -> p.startsWith("io.schemafleet.coordinator"));
    }

    @Test
    void protocolKnowsNothingOfServersOrFrameworks() {
        noClasses().that().resideInAPackage("io.schemafleet.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.micronaut..", "org.apache.kafka..", "kafka..", "org.postgresql..", "java.sql..",
                        "picocli..", "io.schemafleet.agent..", "io.schemafleet.coordinator..", "io.schemafleet.deploy..")
                .check(classes);
    }

    @Test
    void agentNeverUsesTheCoordinator() {
        noClasses().that().resideInAPackage("io.schemafleet.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("io.schemafleet.coordinator..", "io.schemafleet.deploy..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void coordinatorNeverUsesTheAgent() {
        noClasses().that().resideInAPackage("io.schemafleet.coordinator..")
                .should().dependOnClassesThat().resideInAnyPackage("io.schemafleet.agent..", "io.schemafleet.deploy..")
                .check(classes);
    }
}
