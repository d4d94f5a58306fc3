package dev.layerdiff.archive.msprobe;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.ArchiveFormats;
import dev.layerdiff.archive.ListArchive;
import dev.layerdiff.archive.msprobe.DumpJson.Leaf;
import dev.layerdiff.archive.msprobe.DumpJson.Pass;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an msprobe dump (Ascend mstt's accuracy tool, {@code "task": "tensor"}): the tensors dump.json
 * lists ({@link DumpJson}), each a file in dump_tensor_data ({@code .pt} from PyTorch, {@code .npy} from
 * MindSpore) opened by its own format.
 *
 * <p>A tensor is named after its file ({@code Functional.conv2d.0.forward.output.0}), so inputs,
 * outputs and parameters stay apart. Backward tensors are named {@code grad/...} and parameter gradients
 * {@code param_grad/...}, the segments that put them in the gradient groups (compare.Group). Forward
 * tensors keep dump.json's order; the gradients follow in the reverse of theirs, which is forward order:
 * layerdiff walks a gradient group from its last tensor back, so the walk runs as the backward pass did.
 */
public final class MsprobeReader {
    static final String TENSOR_DIR = "dump_tensor_data";
    private static final String GRADIENT = "grad/";
    private static final String PARAMETER_GRADIENT = "param_grad/";

    private MsprobeReader() {}

    /** Opens the dump {@code path} means: a dump.json, its directory, or a step directory with one rank. */
    public static Archive open(Path path) throws IOException {
        Path json = DumpLocation.dumpJson(path);
        DumpJson dump = DumpJson.read(json);
        String name = json.toString();
        if (dump.leaves.isEmpty()) throw new ArchiveException(name, "lists no tensors (no data_name, no statistics)");
        Path dir = json.resolveSibling(TENSOR_DIR);
        boolean withFiles = dump.leaves.stream().anyMatch(l -> l.recorded() == null);
        if (withFiles && !Files.isDirectory(dir)) throw new ArchiveException(name, "no " + TENSOR_DIR + " directory beside it, where its tensors are");
        List<Archive> files = new ArrayList<>();
        try {
            List<TensorEntry> tensors = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (Leaf leaf : executionOrder(dump.leaves)) {
                TensorEntry e = leaf.recorded() != null ? recorded(name, leaf) : tensor(json, dir, leaf, files);
                if (!seen.add(e.name())) throw new ArchiveException(name, "two entries list " + leaf.dataName());
                tensors.add(e.renamed(e.name(), tensors.size()));
            }
            return new ListArchive(path, "msprobe", tensors, dump.metadata, files);
        } catch (IOException | RuntimeException e) {
            ListArchive.closeAll(files, e);
            throw e;
        }
    }

    /** Forward leaves in dump.json's order, then the gradients' in the reverse of theirs. */
    static List<Leaf> executionOrder(List<Leaf> leaves) {
        List<Leaf> out = new ArrayList<>();
        List<Leaf> gradients = new ArrayList<>();
        for (Leaf l : leaves) (l.pass() == Pass.FORWARD ? out : gradients).add(l);
        for (int i = gradients.size() - 1; i >= 0; i--) out.add(gradients.get(i));
        return out;
    }

    static String tensorName(Leaf leaf) {
        String n = leaf.dataName();
        int dot = n.lastIndexOf('.');
        // data_name always carries .pt or .npy; a trailing call count or index is no extension.
        if (dot > 0 && !n.substring(dot + 1).chars().allMatch(Character::isDigit)) n = ArchiveFormats.stem(n);
        return switch (leaf.pass()) {
            case FORWARD -> n;
            case BACKWARD -> GRADIENT + n;
            case PARAMETER_GRADIENT -> PARAMETER_GRADIENT + n;
        };
    }

    private static TensorEntry tensor(Path json, Path dir, Leaf leaf, List<Archive> files) throws IOException {
        Path p = dir.resolve(leaf.dataName());
        if (!Files.exists(p)) {
            throw new ArchiveException(json.toString(), leaf.dataName() + " (entry " + leaf.call() + ") is missing from " + TENSOR_DIR);
        }
        Archive a = ArchiveFormats.installed().open(p);
        files.add(a);
        if (a.tensors().size() != 1) {
            throw new ArchiveException(p.toString(), "holds " + a.tensors().size() + " tensors; msprobe saves one per file");
        }
        TensorEntry e = a.tensors().get(0);
        if (leaf.shape() != null && !sameShape(leaf.shape(), e.shape())) {
            throw new ArchiveException(p.toString(), "holds shape " + Shapes.format(e.shape()) + " but dump.json states "
                    + Shapes.format(leaf.shape()) + " (entry " + leaf.call() + ")");
        }
        return e.renamed(tensorName(leaf), 0);
    }

    /** A tensor of a statistics dump: what msprobe recorded of it, under the name its file would have had. */
    private static TensorEntry recorded(String json, Leaf leaf) throws ArchiveException {
        String stated = leaf.dtype() == null ? "" : leaf.dtype();
        DType dtype = DType.byDisplayName(stated.startsWith("torch.") ? stated.substring("torch.".length()) : stated);
        if (dtype == null || leaf.shape() == null) {
            throw new ArchiveException(json, "entry " + leaf.call() + ": statistics of a tensor without a known dtype and shape ("
                    + stated + ")");
        }
        String n = tensorName(leaf);
        return new TensorEntry(n, 0, dtype, leaf.shape(), ByteOrder.LITTLE_ENDIAN,
                new RecordedData(json, n, Shapes.numel(leaf.shape()) * dtype.byteSize(), leaf.recorded()));
    }

    /** Equal, or the file's complex pairs as a trailing dimension of 2. */
    private static boolean sameShape(long[] stated, long[] read) {
        if (Arrays.equals(stated, read)) return true;
        return read.length == stated.length + 1 && read[stated.length] == 2 && Arrays.equals(stated, Arrays.copyOf(read, stated.length));
    }
}
