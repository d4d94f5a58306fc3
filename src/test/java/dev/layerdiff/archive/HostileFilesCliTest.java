package dev.layerdiff.archive;

import static dev.layerdiff.archive.TestFiles.members;
import static dev.layerdiff.archive.TestFiles.npy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of malformed or hostile file, run through the command line as a user would: exit code 2
 * and one line on stderr naming the file, never a stack trace, never the pickle's command.
 */
class HostileFilesCliTest {
    @TempDir
    Path tmp;

    @Test
    void everyHostileFileExitsTwoWithOneLine() throws IOException {
        Path marker = tmp.resolve("pwned");
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("empty", TestFiles.write(tmp.resolve("empty.safetensors"), new byte[0]));
        files.put("truncated safetensors", TestFiles.write(tmp.resolve("trunc.safetensors"),
                java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(TestFiles.fixture("dtypes.safetensors")), 300)));
        files.put("lying header length", TestFiles.write(tmp.resolve("lying.safetensors"),
                ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).put("{}      ".getBytes()).array()));
        files.put("offsets past the end", TestFiles.safetensors(tmp.resolve("past.safetensors"),
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16000]}}", new byte[16]));
        files.put("shape overflow", TestFiles.safetensors(tmp.resolve("overflow.safetensors"),
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}", new byte[16]));
        files.put("unknown dtype", TestFiles.safetensors(tmp.resolve("f7.safetensors"),
                "{\"x\":{\"dtype\":\"F7\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[16]));
        files.put("object dtype", TestFiles.write(tmp.resolve("obj.npy"), npy("|O", "(2,)", new byte[16])));
        files.put("npy header past the end", TestFiles.write(tmp.resolve("hdr.npy"),
                java.util.Arrays.copyOf(npy("<f4", "(2,)", new byte[8]), 12)));
        byte[] payload = new byte[16 << 20];
        byte[] header = npy("<f4", "(2,)", new byte[0]);
        System.arraycopy(header, 0, payload, 0, header.length);
        files.put("zip bomb", TestFiles.zip(tmp.resolve("bomb.npz"), members("x.npy", payload), true));
        PickleBuilder system = new PickleBuilder().proto().global("os", "system").op('(').str("touch " + marker).op('t', 'R', '.');
        files.put("pickle calling os.system", PickleBuilder.pt(tmp.resolve("evil.pt"), system.bytes(), Map.of()));

        for (Map.Entry<String, Path> e : files.entrySet()) {
            for (String command : new String[] {"compare", "ls"}) {
                String[] args = command.equals("ls") ? new String[] {"ls", e.getValue().toString()}
                        : new String[] {"compare", e.getValue().toString(), e.getValue().toString()};
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
                String what = e.getKey() + " (" + command + ")";
                assertThat(exit).as(what).isEqualTo(2);
                assertThat(err.toString().strip().lines()).as(what + ": " + err).hasSize(1);
                assertThat(err.toString()).as(what).startsWith("layerdiff: " + e.getValue()).doesNotContain("\tat ");
            }
        }
        assertThat(marker).doesNotExist();
    }
}
