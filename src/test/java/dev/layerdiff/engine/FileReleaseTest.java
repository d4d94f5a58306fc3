package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.layerdiff.Fixtures;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.stats.PairResult;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU backend pins what it reads, so closing the archives after a comparison unmaps their files at
 * once rather than leaving the mappings to the garbage collector (Linux: /proc/self/maps).
 */
class FileReleaseTest {
    @TempDir
    Path tmp;

    @Test
    void closingAfterACompareUnmapsBothFiles() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "needs /proc/self/maps");
        List<String> files = new ArrayList<>();
        for (String format : new String[] {"safetensors", "npz", "pt"}) {
            Path ref = Files.copy(Fixtures.path("cnn_ref_cpu." + format), tmp.resolve("ref." + format));
            Path cand = Files.copy(Fixtures.path("cnn_bug_trainmode." + format), tmp.resolve("cand." + format));
            try (Archive r = Archives.open(ref); Archive c = Archives.open(cand)) {
                List<PairTask> tasks = new ArrayList<>();
                for (TensorEntry a : r.tensors()) {
                    for (TensorEntry b : c.tensors()) if (b.name().equals(a.name())) tasks.add(new PairTask(a, b, 1e-5, 1e-5, false, false));
                }
                List<PairResult> results = new CpuBackend(CpuKernels.lookup(), 2, 4096).compare(tasks);
                assertThat(results).hasSize(tasks.size());
                assertThat(results.stream().mapToLong(x -> x.metrics().mismatched()).sum()).isPositive();
                assertThat(Files.readString(maps)).contains(ref.toRealPath().toString());
            }
            files.add(ref.toRealPath().toString());
            files.add(cand.toRealPath().toString());
        }
        String mapped = Files.readString(maps);
        for (String f : files) assertThat(mapped).as(f).doesNotContain(f);
    }
}
