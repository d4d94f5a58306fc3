package dev.layerdiff.compare;

import dev.layerdiff.stats.DiffImage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.Fixtures;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.engine.CpuBackend;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Images handed out as layers complete equal the ones a report holds, one per diverged layer. */
class ImageSinkTest {
    private final LayerDiff diff = new LayerDiff(new CpuBackend());
    private final CompareOptions options = CompareOptions.builder().images(true).build();

    @Test
    void eachDivergedLayerStreamsItsImageOnce() throws IOException {
        try (Archive ref = Archives.open(Fixtures.path("cnn_ref_cpu.safetensors"));
             Archive cand = Archives.open(Fixtures.path("cnn_bug_deadrelu.safetensors"))) {
            Report kept = diff.compare(ref, cand, options);
            Map<String, DiffImage> streamed = new ConcurrentHashMap<>();
            Report report = diff.compare(ref, cand, options, (order, name, image) -> {
                assertThat(streamed.put(order + " " + name, image)).as("one image per layer").isNull();
            });

            Map<String, DiffImage> expected = new ConcurrentHashMap<>();
            for (LayerReport l : kept.layers()) {
                if (l.status() == Status.DIVERGED) expected.put(l.order() + " " + l.name(), l.image());
                else assertThat(l.image()).as(l.name() + " is within tolerance: no image").isNull();
            }
            assertThat(expected).containsKey("3 conv2").hasSizeGreaterThan(5);
            assertThat(streamed.keySet()).isEqualTo(expected.keySet());
            expected.forEach((k, v) -> assertThat(streamed.get(k).blockMax()).as(k).isEqualTo(v.blockMax()));
            assertThat(report.layers()).allSatisfy(l -> assertThat(l.image()).isNull());
            assertThat(report.firstDivergence().get(Group.ACTIVATIONS).name()).isEqualTo("conv2");
        }
    }

    @Test
    void aFailingSinkFailsTheComparison() throws IOException {
        try (Archive ref = Archives.open(Fixtures.path("cnn_ref_cpu.safetensors"));
             Archive cand = Archives.open(Fixtures.path("cnn_bug_deadrelu.safetensors"))) {
            assertThatThrownBy(() -> diff.compare(ref, cand, options, (order, name, image) -> {
                throw new IOException("disk full");
            })).isInstanceOf(IOException.class).hasMessage("disk full");
        }
    }
}
