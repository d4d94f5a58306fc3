package dev.layerdiff.spark;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.layerdiff.diagnosis.HealthCheck;
import dev.layerdiff.diagnosis.Diagnoser;
import dev.layerdiff.diagnosis.SliceSource;
import dev.layerdiff.engine.PairPartial;
import org.junit.jupiter.api.Test;

/**
 * What the Spark job may use of the core: the pipeline every front end drives ({@code pipeline.Comparison},
 * its chunk API), the value types and the backends' public choice, never the engine's internals, its
 * backend packages or the diagnosis' stages (which the pipeline sequences).
 */
class CoreUseRulesTest {
    private static final JavaClasses SPARK = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.layerdiff.spark");

    @Test
    void theJobDrivesThePipelineNotItsStages() {
        noClasses().should().dependOnClassesThat().belongToAnyOf(Diagnoser.class, SliceSource.class, HealthCheck.class)
                .because("pipeline.Comparison sequences the diagnosis for every front end").check(SPARK);
    }

    @Test
    void theJobUsesNoEngineInternals() {
        noClasses().should().dependOnClassesThat().belongToAnyOf(PairPartial.class)
                .because("chunks travel as pipeline.ChunkPartial").check(SPARK);
        noClasses().should().dependOnClassesThat(resideInAnyPackage("dev.layerdiff.engine.cuda..", "dev.layerdiff.engine.nativecpu..",
                "dev.layerdiff.engine.SimdKernel")).because("backends are chosen through Backends").check(SPARK);
    }
}
