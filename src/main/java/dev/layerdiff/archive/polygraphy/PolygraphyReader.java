package dev.layerdiff.archive.polygraphy;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.ListArchive;
import dev.layerdiff.archive.npy.NpyReader;
import dev.layerdiff.archive.polygraphy.JsonTree.Arr;
import dev.layerdiff.archive.polygraphy.JsonTree.Encoded;
import dev.layerdiff.archive.polygraphy.JsonTree.Node;
import dev.layerdiff.archive.polygraphy.JsonTree.Obj;
import dev.layerdiff.archive.polygraphy.JsonTree.Str;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what Polygraphy saves as JSON ({@code polygraphy/json/serde.py}, {@code comparator/struct.py}):
 *
 * <ul>
 *   <li>{@code polygraphy run --save-outputs}: a {@code RunResults}, {@code {"lst": [[RUNNER, [ITERATION,
 *       ...]], ...]}}, each iteration an {@code IterationResult} whose {@code "outputs"} map names to
 *       arrays in the runner's output order;
 *   <li>{@code polygraphy run --save-inputs} (and {@code data to-input}): a list of feed dicts, one per
 *       iteration, each mapping input names to arrays.
 * </ul>
 *
 * An array is an {@code ndarray} object whose {@code "array"} is the base64 of {@code np.save}'s bytes
 * (in a RunResults wrapped in a {@code LazyArray}, once {@code LazyNumpyArray}, as {@code "values"}).
 * Each object names its class in {@code "polygraphy_class"} (older versions wrote a key
 * {@code __polygraphy_encoded_CLASS} instead; both are read). The embedded .npy is read by {@link NpyReader} from the base64
 * in place ({@link Base64Text}): nothing is decoded until the engine reads it.
 *
 * <p>A tensor is named {@code RUNNER/ITERATION/NAME}, leaving out the runner where the file holds one
 * and the iteration where every runner ran one: the usual file of one runner and one iteration gives
 * the plain output names, which pair with a dump of the same model saved any other way.
 */
public final class PolygraphyReader {
    static final String CLASS = "polygraphy_class";
    static final String LEGACY_CLASS_PREFIX = "__polygraphy_encoded_";
    private static final String LEGACY_MARKER = "polygraphy_serialized_json_type";

    private PolygraphyReader() {}

    /** One array as the file lists it: where it is, and its place in the file. */
    private record Found(String runner, int iteration, String name, Obj array) {}

    /** Opens a RunResults or input data file. */
    public static Archive open(Path path) throws IOException {
        String file = path.toString();
        Node root = JsonTree.read(path);
        List<Found> found = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        String kind;
        if (root instanceof Obj o && "RunResults".equals(className(o))) {
            kind = "RunResults";
            runResults(file, o, found);
        } else if (root instanceof Arr a) {
            kind = "input data";
            inputs(file, a, found);
        } else {
            String cls = root instanceof Obj o ? className(o) : null;
            throw new ArchiveException(file, "not a Polygraphy RunResults (--save-outputs) or input data (--save-inputs): the top-level "
                    + (root instanceof Obj ? cls == null ? "object has no " + CLASS : "object is a " + cls : "value is not an object or a list"));
        }
        if (found.isEmpty()) throw new ArchiveException(file, "the " + kind + " hold no arrays");
        metadata.put(CLASS, kind);
        Set<String> runners = new LinkedHashSet<>();
        int iterations = 0;
        for (Found f : found) {
            if (f.runner() != null) runners.add(f.runner());
            iterations = Math.max(iterations, f.iteration() + 1);
        }
        if (!runners.isEmpty()) metadata.put("runners", String.join(", ", runners));
        metadata.put("iterations", Integer.toString(iterations));

        MappedFile mapped = MappedFile.open(path);
        try {
            List<TensorEntry> tensors = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (Found f : found) {
                String name = (runners.size() > 1 ? f.runner() + "/" : "") + (iterations > 1 ? f.iteration() + "/" : "") + f.name();
                if (!names.add(name)) {
                    throw new ArchiveException(file, "two arrays are named " + name + (f.runner() == null ? "" : " (runner " + f.runner()
                            + " appears twice?)"));
                }
                tensors.add(entry(mapped, name, tensors.size(), f.array()));
            }
            return new ListArchive(path, "polygraphy", tensors, metadata, List.of(mapped));
        } catch (IOException | RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    private static void runResults(String file, Obj results, List<Found> found) throws ArchiveException {
        if (!(results.fields().get("lst") instanceof Arr lst)) throw new ArchiveException(file, "the RunResults have no \"lst\" list");
        for (int r = 0; r < lst.items().size(); r++) {
            if (!(lst.items().get(r) instanceof Arr pair) || pair.items().size() != 2 || !(pair.items().get(0) instanceof Str runner)
                    || !(pair.items().get(1) instanceof Arr iterations)) {
                throw new ArchiveException(file, "RunResults entry " + r + " is not a [runner name, [iteration results]] pair");
            }
            for (int i = 0; i < iterations.items().size(); i++) {
                String where = "runner " + runner.text() + ", iteration " + i;
                if (!(iterations.items().get(i) instanceof Obj it) || !"IterationResult".equals(className(it))) {
                    throw new ArchiveException(file, where + " is not an IterationResult");
                }
                if (!(it.fields().get("outputs") instanceof Obj outputs)) throw new ArchiveException(file, where + ": no \"outputs\" object");
                for (Map.Entry<String, Node> o : outputs.fields().entrySet()) {
                    found.add(new Found(runner.text(), i, o.getKey(), ndarray(file, where + ", output " + o.getKey(), o.getValue(), true)));
                }
            }
        }
    }

    private static void inputs(String file, Arr feeds, List<Found> found) throws ArchiveException {
        for (int i = 0; i < feeds.items().size(); i++) {
            if (!(feeds.items().get(i) instanceof Obj feed) || className(feed) != null) {
                throw new ArchiveException(file, "not Polygraphy input data: item " + i + " of the top-level list is not a feed dict"
                        + " (an object of input names)");
            }
            for (Map.Entry<String, Node> in : feed.fields().entrySet()) {
                found.add(new Found(null, i, in.getKey(), ndarray(file, "iteration " + i + ", input " + in.getKey(), in.getValue(), false)));
            }
        }
    }

    /** The ndarray object {@code value} is, or wraps in a LazyArray. */
    private static Obj ndarray(String file, String where, Node value, boolean lazy) throws ArchiveException {
        String cls = value instanceof Obj o ? className(o) : null;
        if (cls == null) throw new ArchiveException(file, where + " is not a Polygraphy-encoded array");
        Obj o = (Obj) value;
        switch (cls) {
            case "ndarray":
                if (!(o.fields().get("array") instanceof Encoded)) throw new ArchiveException(file, where + ": the ndarray has no \"array\" text");
                return o;
            case "LazyArray": case "LazyNumpyArray":
                if (!lazy) break;
                Node inner = o.fields().get("values");
                if (inner == null) throw new ArchiveException(file, where + ": the " + cls + " has no \"values\"");
                return ndarray(file, where, inner, false);
            case "Tensor":
                throw new ArchiveException(file, where + " is a torch.Tensor, saved by torch.save inside the JSON, which layerdiff"
                        + " does not read; save NumPy arrays");
            default:
        }
        throw new ArchiveException(file, where + " is a " + cls + ", not an array");
    }

    /** The class Polygraphy's encoder named, or null for a plain JSON object. */
    static String className(Obj o) {
        if (o.fields().get(CLASS) instanceof Str s) return s.text();
        for (Map.Entry<String, Node> e : o.fields().entrySet()) {
            if (e.getKey().startsWith(LEGACY_CLASS_PREFIX) && e.getValue() instanceof Str s && s.text().equals(LEGACY_MARKER)) {
                return e.getKey().substring(LEGACY_CLASS_PREFIX.length());
            }
        }
        return null;
    }

    private static TensorEntry entry(MappedFile mapped, String name, int order, Obj ndarray) throws IOException {
        String label = mapped.name() + "!" + name;
        Base64Text text = Base64Text.locate(mapped, ((Encoded) ndarray.fields().get("array")).quote(), label);
        return NpyReader.entry(name, order, text::decode, text.size(), label, (offset, byteSize, byteOrder) -> {
            if (offset + byteSize != text.size()) {
                throw new ArchiveException(label, "the array's text decodes to " + text.size() + " bytes but its .npy header describes "
                        + (offset + byteSize) + " (header and data disagree)");
            }
            return new Base64TensorData(text, offset, byteSize, byteOrder);
        });
    }
}
