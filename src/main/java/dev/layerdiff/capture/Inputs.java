package dev.layerdiff.capture;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.Tensor;

/**
 * The model input and the labels, read with layerdiff's own readers ({@code .pt} torch.save files,
 * {@code .npy}, {@code .npz}, {@code .safetensors}) and copied into libtorch tensors.
 */
record Inputs(Tensor input, Tensor labels) {

    /**
     * Reads {@code input} (a lone tensor, or the one named {@code input}) and the labels: from
     * {@code labelsFile} if given, else the tensor named {@code labels} beside the input, if any.
     */
    static Inputs load(Path inputFile, Path labelsFile) throws IOException {
        Tensor input;
        Tensor labels = null;
        try (Archive a = Archives.open(inputFile)) {
            input = TorchTensors.fromEntry(pick(a, "input", true));
            TensorEntry l = labelsFile == null ? find(a, "labels") : null;
            if (l != null) labels = TorchTensors.fromEntry(l);
        }
        if (labelsFile != null) {
            try (Archive a = Archives.open(labelsFile)) {
                labels = TorchTensors.fromEntry(pick(a, "labels", false));
            }
        }
        return new Inputs(input, labels);
    }

    private static TensorEntry pick(Archive a, String name, boolean allowOthers) throws IOException {
        TensorEntry named = find(a, name);
        if (named != null) return named;
        if (a.tensors().size() == 1) return a.tensors().get(0);
        throw new IllegalArgumentException(a.path() + ": expected one tensor or one named '" + name + "', found "
                + (a.tensors().isEmpty() ? "none" : a.tensors().stream().map(TensorEntry::name).collect(Collectors.joining(", "))));
    }

    private static TensorEntry find(Archive a, String name) {
        for (TensorEntry t : a.tensors()) if (t.name().equals(name)) return t;
        return null;
    }
}
