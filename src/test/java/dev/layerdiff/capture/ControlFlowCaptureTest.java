package dev.layerdiff.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.QualifiedName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scripted module (built here; C++-defined modules are called as {@code self.m.forward(x)}, which
 * compiles to the same prim::CallMethod as {@code self.m(x)}) with a module called twice, calls inside
 * {@code if} and {@code for}, an in-place op after a module, and two outputs.
 */
class ControlFlowCaptureTest {
    @TempDir
    Path tmp;

    @Test
    void recordsEveryCallThatRunsInExecutionOrder() throws IOException {
        Libtorch.load();
        JitModule scale = new JitModule(new QualifiedName("Scale"));
        scale.define("def forward(self, x):\n    return x * 2.0\n");
        JitModule shift = new JitModule(new QualifiedName("Shift"));
        shift.define("def forward(self, x):\n    return x + 1.0\n");
        JitModule never = new JitModule(new QualifiedName("Never"));
        never.define("def forward(self, x):\n    return x - 100.0\n");
        JitModule root = new JitModule(new QualifiedName("Root"));
        root.register_module("scale", scale);
        root.register_module("shift", shift);
        root.register_module("never", never);
        root.define("def forward(self, x):\n"
                + "    y = self.scale.forward(x)\n"
                + "    y = self.scale.forward(y)\n"
                + "    if bool(y.sum() > 0):\n"
                + "        y = self.shift.forward(y)\n"
                + "    else:\n"
                + "        y = self.never.forward(y)\n"
                + "    for i in range(2):\n"
                + "        y = self.shift.forward(y)\n"
                + "    z = y.clone()\n"
                + "    y.mul_(10.0)\n"
                + "    return y, z\n");
        Path model = tmp.resolve("m.pt");
        root.save(model.toString());

        Path input = tmp.resolve("x.safetensors");
        byte[] one = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).array();
        new dev.layerdiff.archive.safetensors.SafetensorsWriter().add("input", dev.layerdiff.tensor.DType.FLOAT32, new long[] {1}, one).write(input);
        Path out = tmp.resolve("out.safetensors");
        CaptureResult r = Capture.run(new CaptureOptions(model, input, null, false, false, "cpu", null, false), out);

        assertThat(r.order()).containsExactly("scale", "scale#2", "shift", "shift#2", "shift#3", "output.0", "output.1");
        try (Archive a = Archives.open(out)) {
            // 1 -> 2 -> 4 -> 5 -> 6 -> 7; shift#3 is the value before the in-place mul_ (70 afterwards).
            float[] expected = {2, 4, 5, 6, 7, 70, 7};
            for (int i = 0; i < expected.length; i++) {
                TensorEntry t = a.tensors().get(i);
                assertThat(t.data().read(0, 4).getFloat(0)).as(t.name()).isEqualTo(expected[i]);
            }
        }
    }
}
