package org.maskstream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of {@code docs/architecture.md}, read from the compiled main classes: imports go one way
 * (cli -> jobs -> model -> data -> util), and no two subsystems depend on each other.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.maskstream");
    }

    @Test
    void onlyTheLauncherImportsTheLauncher() {
        check(noClasses().that().resideOutsideOfPackage("org.maskstream.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.maskstream.cli.."));
    }

    @Test
    void theJobDoesNotTrainAndDoesNotKnowTheDemoOrTheOfflineRetrainer() {
        check(noClasses().that().resideInAPackage("org.maskstream.stream..")
                .should().dependOnClassesThat().resideInAnyPackage("org.maskstream.train..", "org.maskstream.demo..",
                        "org.maskstream.retrain..", "org.maskstream.experiment.."));
    }

    @Test
    void theKafkaEdgeKnowsOnlyTheEventSchemas() {
        check(noClasses().that().resideInAPackage("org.maskstream.events..")
                .should().dependOnClassesThat().resideInAnyPackage("org.maskstream.stream..", "org.maskstream.demo..",
                        "org.maskstream.retrain..", "org.maskstream.train..", "org.maskstream.model..",
                        "org.maskstream.experiment.."));
    }

    @Test
    void theModelAndTheDataDoNotReachUpIntoJobs() {
        check(noClasses().that().resideInAnyPackage("org.maskstream.model..", "org.maskstream.data..",
                        "org.maskstream.metrics..", "org.maskstream.util..")
                .should().dependOnClassesThat().resideInAnyPackage("org.maskstream.stream..", "org.maskstream.events..",
                        "org.maskstream.demo..", "org.maskstream.retrain..", "org.maskstream.train..",
                        "org.maskstream.experiment.."));
        check(noClasses().that().resideInAnyPackage("org.maskstream.data..", "org.maskstream.metrics..",
                        "org.maskstream.util..")
                .should().dependOnClassesThat().resideInAPackage("org.maskstream.model.."));
    }

    @Test
    void theEmbeddedBrokerIsUsedOnlyByTheDemoAndTheLauncher() {
        check(noClasses().that().resideOutsideOfPackages("org.maskstream.demo..", "org.maskstream.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("kafka.server..", "kafka.raft..", "scala.."));
    }

    @Test
    void subsystemsHaveNoCycles() {
        check(slices().matching("org.maskstream.(*)..").should().beFreeOfCycles());
    }

    private static void check(ArchRule rule) {
        rule.check(main);
    }
}
