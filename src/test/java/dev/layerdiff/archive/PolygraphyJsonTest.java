package dev.layerdiff.archive;

import static dev.layerdiff.archive.TestFiles.bytes;
import static dev.layerdiff.archive.TestFiles.f32;
import static dev.layerdiff.archive.TestFiles.find;
import static dev.layerdiff.archive.TestFiles.fixture;
import static dev.layerdiff.archive.TestFiles.npy;
import static dev.layerdiff.archive.TestFiles.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.cli.Main;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Polygraphy's --save-outputs (RunResults) and --save-inputs JSON, as tools/make_polygraphy_fixtures.py
 * writes them in Polygraphy's layout: values exact, names per runner and iteration, hostile files refused
 * with one line.
 */
class PolygraphyJsonTest {
    private static final String ONNXRT = "onnxrt-runner-N0-12/03/26-06:00:00";
    private static final String TRT = "trt-runner-N0-12/03/26-06:00:00";
    private static final List<String> OUTPUTS = List.of("conv1", "probs", "argmax", "ids", "mask", "fortran", "bigendian", "scalar",
            "empty", "nanny");

    @TempDir
    Path tmp;

    static Path polygraphy(String name) {
        return fixture("polygraphy/" + name);
    }

    @Test
    void outputsReadExactlyAsTheEquivalentNpz() throws IOException {
        try (Archive json = Archives.open(polygraphy("outputs.json")); Archive npz = Archives.open(polygraphy("outputs.npz"))) {
            assertThat(json.format()).isEqualTo("polygraphy");
            assertThat(json.metadata()).containsEntry("polygraphy_class", "RunResults").containsEntry("runners", ONNXRT)
                    .containsEntry("iterations", "1");
            assertThat(json.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(OUTPUTS);
            assertThat(npz.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(OUTPUTS);
            for (TensorEntry e : json.tensors()) {
                TensorEntry n = find(npz, e.name());
                assertThat(e.order()).isEqualTo(OUTPUTS.indexOf(e.name()));
                assertThat(e.dtype()).as(e.name()).isEqualTo(n.dtype());
                assertThat(e.shape()).as(e.name()).isEqualTo(n.shape());
                assertThat(e.byteOrder()).as(e.name()).isEqualTo(n.byteOrder());
                assertThat(e.data().isRandomAccess()).isTrue();
                assertThat(bytes(e)).as(e.name()).isEqualTo(bytes(n));
                // Reads that start and end inside base64 groups of 3 bytes.
                for (int chunk : new int[] {1, 2, 5, 7}) assertThat(bytes(e, chunk)).as(e.name() + " in " + chunk).isEqualTo(bytes(n));
            }
            assertThat(find(json, "conv1").shape()).containsExactly(2, 4, 3, 3);
            assertThat(find(json, "probs").dtype()).isEqualTo(DType.FLOAT16);
            assertThat(find(json, "mask").dtype()).isEqualTo(DType.BOOL);
            assertThat(values(find(json, "argmax"))).containsExactly(3, -5);
            assertThat(values(find(json, "ids"))).containsExactly(0, 1, 2, 3, 4, 5);
            assertThat(values(find(json, "fortran"))).containsExactly(0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, 1.125, 1.25, 1.375);
            assertThat(find(json, "bigendian").byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
            assertThat(values(find(json, "bigendian"))).containsExactly(-1.5, -0.5, 0.5, 1.5);
            assertThat(find(json, "scalar").shape()).isEmpty();
            assertThat(values(find(json, "scalar"))).containsExactly(3.5);
            assertThat(find(json, "empty").shape()).containsExactly(0, 4);
            double[] nanny = values(find(json, "nanny"));
            assertThat(nanny[1]).isNaN();
            assertThat(nanny[2]).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(Double.doubleToRawLongBits(nanny[4])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        }
    }

    @Test
    void severalRunnersAndIterationsAreNamedRunnerIterationName() throws IOException {
        try (Archive a = Archives.open(polygraphy("runs.json"))) {
            List<String> expected = new ArrayList<>();
            for (String runner : new String[] {ONNXRT, TRT}) {
                for (int i = 0; i < 2; i++) {
                    expected.add(runner + "/" + i + "/logits");
                    expected.add(runner + "/" + i + "/idx");
                }
            }
            assertThat(a.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(expected);
            assertThat(a.metadata()).containsEntry("runners", ONNXRT + ", " + TRT).containsEntry("iterations", "2");
            assertThat(values(find(a, TRT + "/1/logits"))).containsExactly(30, 31, 32);
            assertThat(values(find(a, ONNXRT + "/1/idx"))).containsExactly(1);
            assertThat(find(a, TRT + "/0/idx").dtype()).isEqualTo(DType.INT32);
        }
    }

    @Test
    void savedInputsAreNamedIterationName() throws IOException {
        try (Archive a = Archives.open(polygraphy("inputs.json"))) {
            assertThat(a.format()).isEqualTo("polygraphy");
            assertThat(a.metadata()).containsEntry("polygraphy_class", "input data").doesNotContainKey("runners");
            assertThat(a.tensors()).extracting(TensorEntry::name).containsExactly("0/input", "0/ids", "1/input", "1/ids");
            assertThat(find(a, "1/input").shape()).containsExactly(1, 3, 4, 4);
            assertThat(values(find(a, "1/ids"))).containsExactly(5, 6, 7, 8, 9);
        }
    }

    @Test
    void recognisedByContentWhateverItsName() throws IOException {
        for (String disguise : new String[] {"x.npy", "x.safetensors", "x.pt", "x", "dump.json"}) {
            Path p = Files.copy(polygraphy("outputs.json"), tmp.resolve(disguise), StandardCopyOption.REPLACE_EXISTING);
            try (Archive a = Archives.open(p)) {
                assertThat(a.format()).as(disguise).isEqualTo("polygraphy");
            }
        }
    }

    /** A large array read in chunks that fall across the decoder's steps and the base64 groups. */
    @Test
    void aLargeArrayDecodesInPieces() throws IOException {
        float[] v = new float[3_000_001];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.25f - 7;
        byte[] data = f32(v);
        Path p = write("big.json", runResults("r", "big", ndarray(npy("<f4", "(" + v.length + ",)", data))));
        try (Archive a = Archives.open(p)) {
            TensorEntry e = a.tensors().get(0);
            assertThat(e.name()).isEqualTo("big");
            assertThat(bytes(e, 1_000_003)).isEqualTo(data);
            byte[] inside = new byte[11];
            e.data().read(5_000_001, 11).get(inside);
            assertThat(inside).isEqualTo(Arrays.copyOfRange(data, 5_000_001, 5_000_012));
        }
    }

    @Test
    void polygraphysOlderClassMarkersAreRead() throws IOException {
        String array = "{\"array\": \"" + b64(npy("<f4", "(2,)", f32(1, 2))) + "\", \"__polygraphy_encoded_ndarray\": \"polygraphy_serialized_json_type\"}";
        String json = "{\"lst\": [[\"r\", [{\"outputs\": {\"y\": {\"values\": " + array + ", \"__polygraphy_encoded_LazyNumpyArray\":"
                + " \"polygraphy_serialized_json_type\"}}, \"runtime\": 1.0, \"runner_name\": \"r\", \"__polygraphy_encoded_IterationResult\":"
                + " \"polygraphy_serialized_json_type\"}]]], \"__polygraphy_encoded_RunResults\": \"polygraphy_serialized_json_type\"}";
        try (Archive a = Archives.open(write("old.json", json))) {
            assertThat(a.format()).isEqualTo("polygraphy");
            assertThat(values(find(a, "y"))).containsExactly(1, 2);
        }
    }

    @Test
    void comparedWithTheEquivalentNpzOnTheCommandLine() {
        Cli same = cli("compare", polygraphy("outputs.npz").toString(), polygraphy("outputs.json").toString(), "--equal-nan");
        assertThat(same.exit).as(same.out + same.err).isZero();
        assertThat(same.err).isEmpty();
        for (String n : OUTPUTS) assertThat(same.out).contains(n);

        Cli trt = cli("compare", polygraphy("outputs.json").toString(), polygraphy("outputs_trt.json").toString(), "--equal-nan");
        assertThat(trt.exit).as(trt.out + trt.err).isEqualTo(1);
        assertThat(trt.out).containsPattern("conv1 +diverged").contains("first divergence");

        Cli ls = cli("ls", polygraphy("runs.json").toString());
        assertThat(ls.exit).as(ls.err).isZero();
        assertThat(ls.out).contains(TRT + "/1/logits");
    }

    // ---- malformed and hostile files ----

    private AbstractThrowableAssert<?, ? extends Throwable> failsOpening(Path p) {
        return assertThatThrownBy(() -> Archives.open(p).close()).isInstanceOf(ArchiveException.class)
                .hasMessageStartingWith(p.toString()).hasMessageNotContaining("\n");
    }

    /** Each hostile file, with what its error says. */
    private Map<Path, String> hostileFiles() throws IOException {
        Map<Path, String> files = new LinkedHashMap<>();
        String good = b64(npy("<f4", "(2,)", f32(1, 2)));
        files.put(write("short.json", runResults("r", "y", ndarrayText(good.substring(0, good.length() - 2)))),
                "y: truncated base64: the array's text has " + (good.length() - 2) + " characters, not a multiple of 4");
        String text = Files.readString(polygraphy("outputs.json"));
        files.put(write("cut.json", text.substring(0, text.indexOf("k05VTVBZ") + 100)), "malformed JSON at byte");
        files.put(write("badchar.json", runResults("r", "y", ndarrayText(good.substring(0, 20) + "!" + good.substring(21)))),
                "y: invalid base64 character '!' in the array's text at byte");
        files.put(write("padding.json", runResults("r", "y", ndarrayText(good.substring(0, 20) + "=" + good.substring(21)))),
                "base64 padding '=' in the middle");
        files.put(write("latin1.json", runResults("r", "y", ndarrayText("\\u0093NUMPY\\u0001\\u0000v\\u0000{'descr': '<f4'"))),
                "y: the array is latin-1 text of np.save bytes, the encoding of early Polygraphy versions (0.29 wrote it)");
        // Polygraphy 0.29 wrote np.savez bytes: a zip's "PK\x03\x04" first.
        files.put(write("latin1-npz.json", runResults("r", "y", ndarrayText("PK\\u0003\\u0004\\u0014\\u0000\\u0000\\u0000"))),
                "y: the array is latin-1 text of np.savez bytes, the encoding of early Polygraphy versions (0.29 wrote it)");
        files.put(write("dtype.json", runResults("r", "y", ndarray(npy("<q7", "(2,)", f32(1, 2))))), "y: unknown dtype '<q7'");
        files.put(write("object.json", runResults("r", "y", ndarray(npy("|O", "(2,)", new byte[16])))), "object arrays (dtype '|O')");
        files.put(write("short-data.json", runResults("r", "y", ndarray(npy("<f4", "(1000,)", f32(1, 2))))),
                "y: shape [1000] of <f4 needs 4000 data bytes but only 8 follow the header");
        files.put(write("long-data.json", runResults("r", "y", ndarray(npy("<f4", "(1,)", f32(1, 2))))),
                "y: the array's text decodes to 136 bytes but its .npy header describes 132 (header and data disagree)");
        files.put(write("huge.json", runResults("r", "y", ndarray(npy("<f4", "(4611686018427387904, 4)", f32(1, 2))))),
                "shape [4611686018427387904, 4] overflows");
        files.put(write("large.json", runResults("r", "y", ndarray(npy("<f4", "(1099511627776,)", f32(1, 2))))),
                "needs 4398046511104 data bytes but only 8 follow");
        files.put(write("syntax.json", runResults("r", "y", ndarray(npy("<f4", "(2,)", f32(1, 2)))).replace("]]]", "]]")),
                "malformed JSON at byte");
        files.put(write("binary.json", new byte[] {0, 1, 2, (byte) 0xff, 'x'}), "malformed JSON: Illegal character");
        files.put(write("trailing.json", runResults("r", "y", ndarray(npy("<f4", "(2,)", f32(1, 2)))) + " {}"),
                "not a Polygraphy JSON: text after the JSON value");
        files.put(write("deep.json", "[".repeat(100_000)), "Document nesting depth (65) exceeds the maximum allowed (64");
        files.put(write("deep-objects.json", "{\"polygraphy_class\": \"RunResults\", \"lst\": " + "{\"a\": ".repeat(100_000)),
                "exceeds the maximum allowed (64");
        files.put(write("duplicate-key.json", "{\"lst\": [], \"lst\": [], \"polygraphy_class\": \"RunResults\"}"), "Duplicate field 'lst'");
        files.put(write("values.json", "[" + "0,".repeat(1 << 20) + "0]"), "holds more than 1048576 JSON values");
        files.put(write("long-name.json", runResults("r".repeat(70_000), "y", ndarray(npy("<f4", "(2,)", f32(1, 2))))),
                "exceeds the maximum allowed (65536");
        files.put(write("torch.json", runResults("r", "y", "{\"tensor\": \"UEsDBA==\", \"polygraphy_class\": \"Tensor\"}")),
                "runner r, iteration 0, output y is a torch.Tensor");
        files.put(write("metadata.json", "{\"input\": {\"dtype\": \"float32\", \"shape\": [1]}, \"polygraphy_class\": \"TensorMetadata\"}"),
                "the top-level object is a TensorMetadata");
        files.put(write("plain.json", "{\"a\": 1}"), "the top-level object has no polygraphy_class");
        files.put(write("no-lst.json", "{\"polygraphy_class\": \"RunResults\"}"), "the RunResults have no \"lst\" list");
        files.put(write("pair.json", "{\"lst\": [[\"r\"]], \"polygraphy_class\": \"RunResults\"}"),
                "RunResults entry 0 is not a [runner name, [iteration results]] pair");
        files.put(write("empty-runs.json", "{\"lst\": [[\"r\", []]], \"polygraphy_class\": \"RunResults\"}"), "the RunResults hold no arrays");
        String dup = runResults("r", "y", ndarray(npy("<f4", "(2,)", f32(1, 2))));
        String entry = dup.substring(dup.indexOf("[[") + 1, dup.lastIndexOf("]]") + 1);
        files.put(write("duplicate-runner.json", dup.replace("[" + entry + "]", "[" + entry + ", " + entry + "]")),
                "two arrays are named y (runner r appears twice?)");
        files.put(write("feed.json", "[{\"x\": {\"dtype\": \"float32\"}}]"), "iteration 0, input x is not a Polygraphy-encoded array");
        files.put(write("whitespace.json", "   \n "), "not a Polygraphy JSON: no JSON value");
        return files;
    }

    @Test
    void hostileFilesFailWithOneLineNamingTheFileAndTheProblem() throws IOException {
        for (Map.Entry<Path, String> f : hostileFiles().entrySet()) {
            failsOpening(f.getKey()).as(f.getKey().getFileName().toString()).hasMessageContaining(f.getValue());
        }
    }

    @Test
    void truncatedFixturesFailAtEveryCut() throws IOException {
        for (String name : new String[] {"outputs.json", "inputs.json"}) {
            byte[] full = Files.readAllBytes(polygraphy(name));
            for (int cut : new int[] {1, 9, 60, 200, full.length / 2, full.length - 3}) {
                failsOpening(write("cut" + cut + "-" + name, Arrays.copyOf(full, cut)));
            }
        }
    }

    @Test
    void hostileFilesExitTwoWithOneLineOnTheCommandLine() throws IOException {
        for (Path p : hostileFiles().keySet()) {
            for (String[] args : new String[][] {{"ls", p.toString()}, {"compare", p.toString(), polygraphy("outputs.json").toString()}}) {
                Cli r = cli(args);
                String what = p.getFileName() + " (" + args[0] + ")";
                assertThat(r.exit).as(what + ": " + r.err).isEqualTo(2);
                assertThat(r.err.strip().lines()).as(what + ": " + r.err).hasSize(1);
                assertThat(r.err).as(what).startsWith("layerdiff: " + p).doesNotContain("\tat ");
            }
        }
    }

    // ---- helpers ----

    private record Cli(int exit, String out, String err) {}

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(exit, out.toString(), err.toString());
    }

    private Path write(String name, String text) throws IOException {
        return TestFiles.write(tmp.resolve(name), text.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return TestFiles.write(tmp.resolve(name), bytes);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** An ndarray as Polygraphy's encoder writes it: the base64 of np.save's bytes. */
    static String ndarray(byte[] npy) {
        return ndarrayText(b64(npy));
    }

    private static String ndarrayText(String text) {
        return "{\"array\": \"" + text + "\", \"polygraphy_class\": \"ndarray\"}";
    }

    /** A RunResults of one runner, one iteration, one output (the value already encoded). */
    static String runResults(String runner, String name, String encoded) {
        return "{\"lst\": [[\"" + runner + "\", [{\"outputs\": {\"" + name + "\": {\"values\": " + encoded
                + ", \"polygraphy_class\": \"LazyArray\"}}, \"runtime\": 0.5, \"runner_name\": \"" + runner
                + "\", \"polygraphy_class\": \"IterationResult\"}]]], \"polygraphy_class\": \"RunResults\"}";
    }
}
