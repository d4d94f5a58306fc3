package dev.layerdiff.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the msprobe reader through open, list and compare: the input is a dump.json over fixed tensor
 * files in dump_tensor_data (two float32 .npy files that the seeds' data_name fields name). {@code mvn
 * test} runs the seeds and past findings in {@code src/test/resources/dev/layerdiff/fuzz/MsprobeFuzzTestInputs};
 * to fuzz: {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -B test -Djavacpp.skip=true -Dtest=MsprobeFuzzTest}.
 */
class MsprobeFuzzTest {
    private static final String[] FILES = {"Functional.linear.0.forward.input.0.npy", "Functional.linear.0.forward.output.0.npy"};
    private static Path dump;

    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) throws IOException {
        ReaderFuzzing.run(data, dump().resolve("dump.json"), dump());
    }

    private static synchronized Path dump() throws IOException {
        if (dump == null) {
            Path dir = Files.createDirectories(ReaderFuzzing.dir().resolve("msprobe/dump_tensor_data"));
            for (int i = 0; i < FILES.length; i++) Files.write(dir.resolve(FILES[i]), npy(2, 3, i));
            dump = dir.getParent();
        }
        return dump;
    }

    /** A version 1.0 .npy of float32 values {@code seed + k / 8} of shape [rows, cols]. */
    private static byte[] npy(int rows, int cols, int seed) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int pad = 64 - (10 + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (int k = 0; k < rows * cols; k++) b.putFloat(seed + k / 8f);
        return b.array();
    }
}
