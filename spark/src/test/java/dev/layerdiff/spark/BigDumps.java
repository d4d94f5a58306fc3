package dev.layerdiff.spark;

import dev.layerdiff.archive.safetensors.SafetensorsWriter;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.tensor.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * A pair of dumps with one layer of two and a half CPU chunks (20 MB a side in float32) between two small
 * ones: large enough that {@code --task-bytes 16m} splits it into one unit per chunk.
 */
final class BigDumps {
    static final int CHUNK = CpuBackend.DEFAULT_CHUNK_ELEMENTS;
    static final int ELEMENTS = 2 * CHUNK + CHUNK / 2;
    /** The same largest difference sits in the first and in the last chunk: the merge keeps the first index. */
    static final int TIE_FIRST = 12_345;
    static final int TIE_LAST = 2 * CHUNK + 777;

    private BigDumps() {}

    /** Writes the pair into {@code dir}: reference and candidate paths. */
    static String[] pair(Path dir) {
        float[] ref = new float[ELEMENTS], cand = new float[ELEMENTS];
        Random random = new Random(16);
        for (int i = 0; i < ELEMENTS; i++) {
            ref[i] = (float) random.nextGaussian();
            cand[i] = ref[i] + (i % 1000 == 0 ? 1e-3f * (float) random.nextGaussian() : 0);
        }
        for (int i : new int[] {TIE_FIRST, TIE_LAST}) {
            ref[i] = 1;
            cand[i] = 1.5f;
        }
        Path refFile = dir.resolve("big_ref.safetensors"), candFile = dir.resolve("big_cand.safetensors");
        write(ref, refFile);
        write(cand, candFile);
        return new String[] {refFile.toString(), candFile.toString()};
    }

    private static void write(float[] values, Path file) {
        ByteBuffer big = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        big.asFloatBuffer().put(values);
        byte[] small = new byte[4 * 64];
        ByteBuffer.wrap(small).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(Arrays.copyOf(values, 64));
        try {
            new SafetensorsWriter()
                    .add("embed", DType.FLOAT32, new long[] {64}, small)
                    .add("big", DType.FLOAT32, new long[] {values.length}, big.array())
                    .add("head", DType.FLOAT32, new long[] {8, 8}, small)
                    .metadata("order", "[\"embed\", \"big\", \"head\"]")
                    .write(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
