package dev.layerdiff.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.compare.Report;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.io.BadFileException;
import dev.layerdiff.report.JsonReport;
import dev.layerdiff.report.TerminalTable;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * What every reader's fuzz target does with an input, as the command line would: write it to a file,
 * open it, list it, compare it with a second opening of itself through the CPU engine (images and
 * statistics included) and render the reports. A malformed input may only end in a
 * {@link BadFileException} whose message is one printable line naming the file; anything else is a
 * finding. Comparing a file with itself must pass, so a wrong answer is a finding too. Inputs that name
 * more than {@link #MAX_COMPARED} bytes (stride-0 views, which the readers allow up to their limits) are
 * listed but not compared: they cost seconds each and teach the fuzzer nothing new.
 */
final class ReaderFuzzing {
    private static final LayerDiff DIFF = new LayerDiff(new CpuBackend());
    private static final CompareOptions OPTIONS = CompareOptions.builder().equalNan(true).images(true).build();
    private static final long MAX_COMPARED = 64L << 20;
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("layerdiff-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ReaderFuzzing::cleanUp));
    }

    private ReaderFuzzing() {}

    /** Runs one input as a file named {@code input.EXTENSION}. */
    static void run(byte[] data, String extension) throws IOException {
        run(data, DIR.resolve("input." + extension), DIR.resolve("input." + extension));
    }

    /** The directory inputs are written to, for targets that set files up beside them. */
    static Path dir() {
        return DIR;
    }

    /**
     * Runs one input written to {@code file} and opened as {@code open} (the file itself, or a directory
     * that holds it); an error must name a path under {@code open}.
     */
    static void run(byte[] data, Path file, Path open) throws IOException {
        Files.write(file, data);
        try (Archive ref = Archives.open(open); Archive cand = Archives.open(open)) {
            Set<String> names = new HashSet<>();
            boolean unique = true;
            long bytes = 0;
            for (TensorEntry t : ref.tensors()) {
                unique &= names.add(t.name());
                Shapes.format(t.shape());
                bytes += t.byteSize();
            }
            if (bytes > MAX_COMPARED) return;
            Report report = DIFF.compare(ref, cand, OPTIONS, (order, name, image) -> { });
            if (unique) assertThat(report.exitCode()).as("a file compared with itself passes").isZero();
            TerminalTable.print(report, new PrintWriter(Writer.nullWriter()));
            JsonReport.write(report, OutputStream.nullOutputStream());
            DIFF.stats(ref);
        } catch (BadFileException e) {
            assertThat(e.getMessage()).startsWith(open.toString()).doesNotContain("\n", "\r");
        }
    }

    private static void cleanUp() {
        try (var files = Files.list(DIR)) {
            for (Path p : (Iterable<Path>) files::iterator) Files.deleteIfExists(p);
            Files.deleteIfExists(DIR);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
