package dev.layerdiff.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.or;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout of the code, as rules: each package names the packages of the project it may use. Value
 * types ({@code tensor}, {@code stats}) and plumbing ({@code io}) sit at the bottom, the command line at
 * the top, and no two packages import each other. A new capability gets a new package and a rule here.
 */
class PackageRulesTest {
    private static final String ROOT = "dev.layerdiff";
    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void tensorIsTheVocabularyAndImportsNothing() {
        mayUseOnly("tensor");
    }

    @Test
    void ioImportsNothing() {
        mayUseOnly("io");
    }

    @Test
    void statsSitAboveTensors() {
        mayUseOnly("stats", "tensor");
    }

    @Test
    void archivesReadFilesIntoTensors() {
        mayUseOnly("archive", "tensor", "io");
    }

    @Test
    void summariesAreFilesOfStats() {
        mayUseOnly("summary", "archive", "engine", "stats", "tensor", "io");
    }

    @Test
    void engineComputesStatsFromTensors() {
        mayUseOnly("engine", "tensor", "stats");
    }

    @Test
    void compareUsesTheEngineThroughItsInterfaces() {
        mayUseOnly("compare", "engine", "stats", "tensor", "archive");
        classes().that().resideInAPackage(ROOT + ".compare..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + ".engine.*.."))
                .because("backends are found at run time, never linked by the facade")
                .check(production);
    }

    @Test
    void diagnosisJudgesWhatCompareAssembled() {
        mayUseOnly("diagnosis", "compare", "engine", "stats", "tensor", "archive");
        classes().that().resideInAPackage(ROOT + ".diagnosis..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + ".engine.*.."))
                .check(production);
    }

    @Test
    void thePipelineSequencesCompareAndDiagnosis() {
        mayUseOnly("pipeline", "compare", "diagnosis", "engine", "archive", "summary", "stats", "tensor");
        classes().that().resideInAPackage(ROOT + ".pipeline..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + ".engine.*.."))
                .because("backends are found at run time, never linked by the pipeline")
                .check(production);
    }

    @Test
    void reportsDrawWhatCompareAssembledAndDiagnosisJudged() {
        mayUseOnly("report", "compare", "diagnosis", "stats", "tensor", "io");
    }

    @Test
    void htmlReportsDrawWhatTheOtherReportsDraw() {
        mayUseOnly("report.html", "report", "compare", "diagnosis", "stats", "tensor", "io");
    }

    @Test
    void captureWritesArchives() {
        mayUseOnly("capture", "archive", "tensor");
    }

    /**
     * ArchUnit reads class files, where a constant of another class is inlined and leaves no trace; the
     * sources' imports of the bottom packages are checked as text too.
     */
    @Test
    void theBottomPackagesImportNothingInTheSourceEither() throws java.io.IOException {
        for (String pkg : new String[] {"tensor", "io"}) {
            java.nio.file.Path dir = java.nio.file.Path.of("src/main/java/dev/layerdiff", pkg);
            try (var files = java.nio.file.Files.walk(dir)) {
                for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    for (String line : java.nio.file.Files.readAllLines(f)) {
                        if (line.startsWith("import dev.layerdiff.") && !line.startsWith("import dev.layerdiff." + pkg + ".")) {
                            throw new AssertionError(f + " imports another package of the project: " + line);
                        }
                    }
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(dev.layerdiff.tensor.Ranges.MAX_READ).as("one read's limit, in tensor and in io")
                .isEqualTo(dev.layerdiff.io.MappedFile.MAX_READ);
    }

    @Test
    void noCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(production);
    }

    /** Between subpackages too: a format package and the archive root, a backend and the engine root. */
    @Test
    void noCyclesBetweenSubpackages() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(production);
    }

    @Test
    void theEngineRootNeverLinksItsAccelerators() {
        classes().that().resideInAPackage(ROOT + ".engine")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + ".engine.*.."))
                .because("the CUDA, native and SIMD backends are found at run time (reflection), so the core runs without them")
                .check(production);
    }

    @Test
    void theArchiveRootNeverLinksItsFormats() {
        classes().that().resideInAPackage(ROOT + ".archive")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + ".archive.*.."))
                .because("formats plug in through ServiceLoader: adding one touches no central switch")
                .check(production);
    }

    /** Classes of {@code pkg} (and its subpackages) use no package of the project but these. */
    private static void mayUseOnly(String pkg, String... allowed) {
        List<String> packages = new ArrayList<>();
        packages.add(ROOT + "." + pkg + "..");
        for (String a : allowed) packages.add(ROOT + "." + a + "..");
        classes().that().resideInAPackage(ROOT + "." + pkg + "..")
                .should().onlyDependOnClassesThat(or(
                        resideOutsideOfPackage(ROOT + ".."),
                        resideInAnyPackage(ROOT), // Version
                        resideInAnyPackage(packages.toArray(String[]::new))))
                .check(production);
    }
}
