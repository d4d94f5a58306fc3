package dev.layerdiff.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.Fixtures;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.archive.safetensors.SafetensorsWriter;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.stats.ErrorEstimate;
import dev.layerdiff.stats.TensorDigest;
import dev.layerdiff.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A summary written is the summary read, and two summaries tell the bundled example's bug from its clean layers. */
class SummaryFileTest {
    @TempDir
    Path tmp;

    @Test
    void whatIsWrittenIsReadBackAndTellsTheDivergedLayers() throws IOException {
        Path refSummary = tmp.resolve("ref.summary.safetensors"), bugSummary = tmp.resolve("bug.summary.safetensors");
        List<TensorDigest> refDigests, bugDigests;
        try (CpuBackend cpu = new CpuBackend();
             Archive ref = Archives.open(Fixtures.path("cnn_ref_cpu.safetensors"));
             Archive bug = Archives.open(Fixtures.path("cnn_bug_deadrelu.safetensors"))) {
            refDigests = cpu.digest(ref.tensors(), 1024);
            bugDigests = cpu.digest(bug.tensors(), 1024);
            SummaryFile.write(refSummary, ref.path().toString(), 1024, ref.tensors(), refDigests);
            SummaryFile.write(bugSummary, bug.path().toString(), 1024, bug.tensors(), bugDigests);

            try (Archive a = Archives.open(refSummary); Archive b = Archives.open(bugSummary)) {
                assertThat(SummaryFile.isSummary(a)).isTrue();
                assertThat(SummaryFile.isSummary(ref)).isFalse();
                List<SummaryFile.Entry> read = SummaryFile.read(a), readBug = SummaryFile.read(b);
                assertThat(read).hasSize(ref.tensors().size());
                int diverged = 0;
                for (int i = 0; i < read.size(); i++) {
                    SummaryFile.Entry e = read.get(i);
                    assertThat(e.name()).isEqualTo(ref.tensors().get(i).name());
                    assertThat(e.shape()).isEqualTo(ref.tensors().get(i).shape());
                    assertThat(e.dtype()).isEqualTo(ref.tensors().get(i).dtype());
                    TensorDigest d = refDigests.get(i);
                    assertThat(e.digest().stats()).isEqualTo(d.stats());
                    assertThat(e.digest().histogram()).isEqualTo(d.histogram());
                    assertThat(e.digest().sketch().hash()).isEqualTo(d.sketch().hash());
                    assertThat(e.digest().sketch().buckets()).containsExactly(d.sketch().buckets());
                    if (d.sketch().dim0() != null) assertThat(e.digest().sketch().dim0().values()).containsExactly(d.sketch().dim0().values());

                    TensorDigest other = readBug.get(i).digest();
                    ErrorEstimate est = ErrorEstimate.of(e.digest().sketch(), e.digest().stats(), other.sketch(), other.stats());
                    if (!est.identical()) diverged++;
                }
                // The example's report: 22 of 25 layers diverged (3 are bit-identical, and their hashes say so).
                assertThat(diverged).isEqualTo(22);
            }
        }
    }

    @Test
    void aSafetensorsFileThatIsNotASummaryIsRefusedNamingIt() throws IOException {
        Path plain = tmp.resolve("plain.safetensors");
        new SafetensorsWriter().metadata("layerdiff", "summary 1").add("stats", DType.FLOAT64, new long[] {1, 10}, new byte[80]).write(plain);
        try (Archive a = Archives.open(plain)) {
            assertThatThrownBy(() -> SummaryFile.read(a)).isInstanceOf(ArchiveException.class)
                    .hasMessageContaining(plain.toString()).hasMessageContaining("\"tensors\"");
        }
        try (Archive a = Archives.open(Fixtures.path("cnn_ref_cpu.safetensors"))) {
            assertThatThrownBy(() -> SummaryFile.read(a)).isInstanceOf(ArchiveException.class).hasMessageContaining("not a layerdiff summary");
        }
    }
}
