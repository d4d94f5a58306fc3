package dev.layerdiff.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Fuzzes the .pt reader through open, list and compare: {@code fuzz} mutates whole torch.save zips,
 * {@code fuzzPickle} only the data.pkl of a zip that holds two float32 storages (where the pickle
 * machine's bugs were). {@code mvn test} runs the seeds and past findings in
 * {@code src/test/resources/dev/layerdiff/fuzz/TorchFuzzTestInputs}; to fuzz one:
 * {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -B test -Dtest='TorchFuzzTest#fuzzPickle'}.
 */
class TorchFuzzTest {
    private static final byte[] STORAGE = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
            .putFloat(0).putFloat(1.5f).putFloat(-2).putFloat(Float.NaN).putFloat(Float.POSITIVE_INFINITY).putFloat(7).array();

    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) throws IOException {
        ReaderFuzzing.run(data, "pt");
    }

    @FuzzTest(maxDuration = "30s")
    void fuzzPickle(byte[] pickle) throws IOException {
        ReaderFuzzing.run(zip(pickle), "pt");
    }

    private static byte[] zip(byte[] pickle) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            stored(z, "archive/data.pkl", pickle);
            stored(z, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            stored(z, "archive/data/0", STORAGE);
            stored(z, "archive/data/1", STORAGE);
        }
        return bytes.toByteArray();
    }

    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }
}
