package dev.layerdiff.cli;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.stats.TensorDigest;
import dev.layerdiff.stats.TensorSketch;
import dev.layerdiff.summary.SummaryFile;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code layerdiff summarize ARCHIVE -o RUN.summary.safetensors}: a few KiB per tensor in place of its values. */
@Command(name = "summarize", mixinStandardHelpOptions = true,
        description = "Summarise a dump: per tensor its exact statistics, histogram, a 64-bit hash of its elements and a "
                + "count sketch (README, \"Without the tensors\"), a few KiB per tensor; compare reads the summary in "
                + "place of the dump.")
final class SummarizeCommand extends ArchiveCommand {

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "the summary to write (safetensors, atomically)")
    Path output;

    @Option(names = "--buckets", paramLabel = "K", defaultValue = "" + TensorSketch.DEFAULT_BUCKETS,
            description = "the sketch's buckets per tensor at most, a power of two (default: ${DEFAULT-VALUE}, 8 KiB)")
    int buckets;

    @Override
    Printer printer() {
        Outputs.checkFile("-o", output);
        if (buckets < 1 || buckets > (1 << 20) || Integer.bitCount(buckets) != 1) {
            throw new IllegalArgumentException("--buckets " + buckets + ": a power of two from 1 to 1048576");
        }
        return this::summarize;
    }

    private void summarize(Archive a, java.io.PrintWriter out) throws IOException {
        if (SummaryFile.isSummary(a)) throw new IllegalArgumentException(a.path() + ": is already a summary");
        List<TensorEntry> tensors = a.tensors();
        List<TensorDigest> digests;
        try (CpuBackend cpu = new CpuBackend()) {
            digests = cpu.digest(tensors, buckets);
        }
        SummaryFile.write(output, a.path().toString(), buckets, tensors, digests);
        long bytes = 0;
        for (TensorEntry t : tensors) bytes += t.byteSize();
        out.printf(Locale.ROOT, "%s: %d tensors (%s) summarised into %s (%s)%n", a.path(), tensors.size(),
                size(bytes), output, size(Files.size(output)));
    }

    private static String size(long bytes) {
        if (bytes < 10_000) return bytes + " B";
        if (bytes < 10_000_000) return String.format(Locale.ROOT, "%.1f KB", bytes / 1e3);
        if (bytes < 10_000_000_000L) return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
