package dev.layerdiff.archive.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.layerdiff.archive.ArchiveException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * A real torch.save pickle with one BINGET index rewritten to every value: fuzzing reached a recursion
 * in toString this way (a value that comes to hold itself). Every variant must load and flatten, or
 * fail with an ArchiveException; nothing else may escape.
 */
class RewrittenMemoIndexTest {
    @Test
    void everyRewrittenBinGetLoadsOrFailsCleanly() throws IOException {
        byte[] pickle = dataPkl(Path.of("src/test/resources/fixtures/tf_ref_cpu.pt"));
        int variants = 0;
        int refused = 0;
        for (int at = 0; at + 1 < pickle.length; at++) {
            if (pickle[at] != 'h') continue;
            byte original = pickle[at + 1];
            for (int v = 0; v < 256; v++) {
                pickle[at + 1] = (byte) v;
                variants++;
                try {
                    Flattener.flatten(PickleMachine.load(pickle, "p"), "root", "p", pickle.length);
                } catch (ArchiveException e) {
                    refused++;
                    assertThat(e.getMessage()).startsWith("p: ");
                } catch (RuntimeException | StackOverflowError e) {
                    fail("BINGET at byte " + at + " rewritten to " + v + ": " + e, e);
                }
            }
            pickle[at + 1] = original;
        }
        assertThat(variants).isGreaterThan(333 * 256 - 1);
        assertThat(refused).isPositive().isLessThan(variants);
    }

    private static byte[] dataPkl(Path pt) throws IOException {
        try (ZipFile z = new ZipFile(pt.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                if (e.getName().endsWith("/data.pkl")) {
                    try (InputStream in = z.getInputStream(e)) {
                        return in.readAllBytes();
                    }
                }
            }
        }
        throw new IOException("no data.pkl in " + pt);
    }
}
