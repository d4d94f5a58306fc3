package dev.layerdiff.capture;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Objects;

/**
 * What {@link Capture} runs: a TorchScript module, its input (and labels for gradients), and what to
 * record besides every submodule's output.
 *
 * @param model TorchScript file ({@code torch.jit.save} of a traced or scripted module)
 * @param input input file: {@code .pt} (a tensor, or a dict with {@code input} and {@code labels}),
 *     {@code .npy}, {@code .npz} or {@code .safetensors} (one tensor, or one named {@code input})
 * @param labels labels file, or null to use the {@code labels} tensor of the input file
 * @param grads record {@code grad/<module>}: gradients of cross-entropy(output, labels) at each activation
 * @param paramGrads record {@code param_grad/<parameter>}
 * @param device {@code cpu} or {@code cuda} (the latter needs the {@code -Pgpu} build of libtorch)
 * @param skip globs ({@code *} any run of characters, {@code ?} one) of tensor names to leave out of the
 *     dump, e.g. {@code grad/*.dropout*}
 * @param float64 cast the module and the floating inputs to float64 first: a higher-precision referee run
 */
public record CaptureOptions(Path model, Path input, Path labels, boolean grads, boolean paramGrads, String device,
        List<String> skip, boolean float64) {
    /** Checks the required fields. */
    public CaptureOptions {
        skip = skip == null ? List.of() : List.copyOf(skip);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(input, "input");
        device = device == null ? "cpu" : device;
        if (!device.equals("cpu") && !device.equals("cuda")) {
            throw new IllegalArgumentException("--model-device: expected cpu or cuda, got '" + device + "'");
        }
    }

    /** Whether {@code name} matches one of the {@link #skip} globs. */
    boolean skips(String name) {
        for (String glob : skip) {
            StringBuilder re = new StringBuilder();
            for (char ch : glob.toCharArray()) {
                re.append(switch (ch) {
                    case '*' -> ".*";
                    case '?' -> ".";
                    default -> Pattern.quote(String.valueOf(ch));
                });
            }
            if (Pattern.compile(re.toString(), Pattern.DOTALL).matcher(name).matches()) return true;
        }
        return false;
    }
}
