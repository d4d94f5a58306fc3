package dev.layerdiff.archive;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;

import static dev.layerdiff.archive.TestFiles.f32;
import static dev.layerdiff.archive.TestFiles.fixture;
import static dev.layerdiff.archive.TestFiles.generated;
import static dev.layerdiff.archive.TestFiles.members;
import static dev.layerdiff.archive.TestFiles.npy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile and damaged files fail with one clear line naming the file, before reading what they claim. */
class MalformedFilesTest {
    @TempDir
    Path tmp;

    private AbstractThrowableAssert<?, ? extends Throwable> failsOpening(Path p) {
        return assertThatThrownBy(() -> Archives.open(p).close()).isInstanceOf(ArchiveException.class)
                .hasMessageStartingWith(p.toString()).hasMessageNotContaining("\n");
    }

    @Test
    void missingAndEmptyFiles() throws IOException {
        failsOpening(tmp.resolve("nope.npz")).hasMessageEndingWith(": no such file or directory");
        failsOpening(TestFiles.write(tmp.resolve("e.safetensors"), new byte[0])).hasMessageEndingWith(": empty file");
        failsOpening(Files.createDirectory(tmp.resolve("emptydir"))).hasMessageEndingWith(": directory holds no .npy, .npz, .safetensors, .pt or .pth files");
    }

    @Test
    void unknownFormat() throws IOException {
        failsOpening(TestFiles.write(tmp.resolve("x.bin"), "hello, world, not a tensor".getBytes()))
                .hasMessageContaining("unknown format");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dtypes.pt", "dtypes.safetensors", "dtypes.npz", "fortran.npy"})
    void truncatedFilesOfEachFormat(String name) throws IOException {
        byte[] full = Files.readAllBytes(fixture(name));
        for (int cut : new int[] {3, 9, 60, full.length / 2, full.length - 1}) {
            String ext = name.substring(name.indexOf('.'));
            Path p = TestFiles.write(tmp.resolve("cut" + cut + ext), Arrays.copyOf(full, cut));
            failsOpening(p);
        }
    }

    @Test
    void safetensorsLyingHeaderLength() throws IOException {
        byte[] b = new byte[120];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).put((byte) '{');
        failsOpening(TestFiles.write(tmp.resolve("h.safetensors"), b))
                .hasMessageEndingWith("header length 9223372036854775807 exceeds the file size 120");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);
        failsOpening(TestFiles.write(tmp.resolve("h2.safetensors"), b)).hasMessageContaining("header length 18446744073709551615 exceeds");
    }

    @Test
    void safetensorsOffsetsAndShapes() throws IOException {
        byte[] data = new byte[100];
        String[][] cases = {
            {"{\"conv1\":{\"dtype\":\"F32\",\"shape\":[1024],\"data_offsets\":[0,4096]}}",
                "tensor conv1: data_offsets [0, 4096) exceed the data area of 100 bytes"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", "tensor a: data_offsets [0, 16) span 16 bytes but shape [3] of F32 needs 12"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,4]}}", "tensor a: data_offsets [8, 4) exceed"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}", "shape [4611686018427387904, 4] overflows"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", "negative dimension -4"},
            {"{\"a\":{\"dtype\":\"F7\",\"shape\":[4],\"data_offsets\":[0,16]}}", "unknown dtype 'F7'"},
            {"{\"a\":{\"dtype\":\"F4\",\"shape\":[4],\"data_offsets\":[0,2]}}", "unsupported dtype 'F4'"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,16]}}", "overflows"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"a\":{}}", "malformed JSON header"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]", "malformed JSON header"},
            {"{\"__metadata__\":{\"x\":1}}", "__metadata__ value of x is not a string"},
        };
        for (int i = 0; i < cases.length; i++) {
            Path p = TestFiles.safetensors(tmp.resolve("s" + i + ".safetensors"), cases[i][0], data);
            failsOpening(p).hasMessageContaining(cases[i][1]);
        }
    }

    @Test
    void safetensorsOrderFallsBackToOffsets() throws IOException {
        String h = "{\"__metadata__\":{\"order\":\"[\\\"b\\\", \\\"ghost\\\"]\"},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[12,14]}}";
        try (Archive a = Archives.open(TestFiles.safetensors(tmp.resolve("o.safetensors"), h, new byte[14]))) {
            assertThat(a.tensors()).extracting(TensorEntry::name).containsExactly("b", "a", "c");
            assertThat(a.tensors().get(1).shape()).containsExactly(1, 2);
            assertThat(a.tensors().get(0).dtype()).isEqualTo(DType.FLOAT8_E4M3FN);
        }
    }

    @Test
    void npyHeaderLengthPastTheEnd() throws IOException {
        byte[] b = npy("<f4", "(2,)", f32(1, 2));
        b[8] = (byte) 0xff;
        b[9] = (byte) 0xff;
        failsOpening(TestFiles.write(tmp.resolve("h.npy"), b)).hasMessageEndingWith("header length 65535 exceeds the file size " + b.length);
    }

    @Test
    void npyBadDtypesAndShapes() throws IOException {
        String[][] cases = {
            {"{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", "object arrays (dtype '|O') cannot be compared"},
            {"{'descr': '<U5', 'fortran_order': False, 'shape': (2,), }", "string arrays (dtype '<U5')"},
            {"{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (2,), }", "datetime arrays (dtype '<M8[ns]')"},
            {"{'descr': '<f16', 'fortran_order': False, 'shape': (2,), }", "dtype '<f16'"},
            {"{'descr': '<q7', 'fortran_order': False, 'shape': (2,), }", "unknown dtype '<q7'"},
            {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", "structured arrays"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", "shape [4611686018427387904, 4] overflows"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "negative dimension -1"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (1000,), }", "needs 4000 data bytes but only 8 follow the header"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': __import__('os'), }", "malformed .npy header"},
            {"{'descr': '<f4', 'fortran_order': False, }", "malformed .npy header: keys"},
        };
        for (int i = 0; i < cases.length; i++) {
            Path p = TestFiles.write(tmp.resolve("n" + i + ".npy"), npy(cases[i][0], f32(1, 2)));
            failsOpening(p).hasMessageContaining(cases[i][1]);
        }
        failsOpening(generated("objects.npy")).hasMessageContaining("object arrays (dtype '|O') cannot be compared");
        failsOpening(generated("strings.npy")).hasMessageContaining("string arrays");
        failsOpening(generated("longdouble.npy")).hasMessageContaining("long double");
    }

    @Test
    void zipBombIsStoppedAtTheDeclaredSize() throws IOException {
        // 64 MiB of zeros behind an .npy header promising 8 bytes: the member's declared size is patched
        // to agree with the header, so only the stream itself tells the truth.
        byte[] header = npy("<f4", "(2,)", new byte[0]);
        byte[] payload = new byte[64 << 20];
        System.arraycopy(header, 0, payload, 0, header.length);
        Path p = TestFiles.zip(tmp.resolve("bomb.npz"), members("x.npy", payload), true);
        long honest = header.length + 8L;
        patchDeclaredSize(p, "x.npy", payload.length, honest);
        try (Archive a = Archives.open(p)) {
            TensorEntry t = a.tensors().get(0);
            assertThat(t.shape()).containsExactly(2);
            assertThatThrownBy(() -> t.data().read(0, 8)).isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("bomb.npz!x.npy").hasMessageContaining("inflates to more than its declared size of " + honest);
        }

        // Declared size much larger than what the header describes: refused at open.
        Path q = TestFiles.zip(tmp.resolve("bomb2.npz"), members("x.npy", payload), true);
        failsOpening(q).hasMessageContaining("declares " + payload.length + " uncompressed bytes but its .npy header describes " + honest);
    }

    @Test
    void deflatedMemberThatEndsEarly() throws IOException {
        byte[] member = npy("<f4", "(4,)", f32(1, 2, 3, 4));
        Path p = TestFiles.zip(tmp.resolve("short.npz"), members("x.npy", member), true);
        patchDeclaredSize(p, "x.npy", member.length, member.length); // sanity: unchanged
        try (Archive a = Archives.open(p)) {
            assertThat(TestFiles.values(a.tensors().get(0))).containsExactly(1, 2, 3, 4);
        }
        byte[] shorter = Arrays.copyOf(member, member.length - 8);
        Path q = TestFiles.zip(tmp.resolve("short2.npz"), members("x.npy", shorter), true);
        patchDeclaredSize(q, "x.npy", shorter.length, member.length);
        try (Archive a = Archives.open(q)) {
            assertThatThrownBy(() -> TestFiles.bytes(a.tensors().get(0))).isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("deflated data ends after " + shorter.length);
        }
    }

    @Test
    void zipWithEocdPastTheEnd() throws IOException {
        Path p = TestFiles.zip(tmp.resolve("z.npz"), members("a.npy", npy("<f4", "(2,)", f32(1, 2))), false);
        byte[] b = Files.readAllBytes(p);
        int eocd = b.length - 22;
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(eocd + 16, 0x7fff0000);
        failsOpening(TestFiles.write(tmp.resolve("z2.npz"), b)).hasMessageContaining("central directory").hasMessageContaining("points past the end");

        b = Files.readAllBytes(p);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(eocd + 10, (short) 5000);
        failsOpening(TestFiles.write(tmp.resolve("z3.npz"), b)).hasMessageContaining("claims 5000 members");
    }

    @Test
    void zipMemberOffsetsPastTheEnd() throws IOException {
        Path p = TestFiles.zip(tmp.resolve("z.npz"), members("a.npy", npy("<f4", "(2,)", f32(1, 2))), false);
        byte[] b = Files.readAllBytes(p);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int cd = bb.getInt(b.length - 22 + 16);
        bb.putInt(cd + 42, 0x10000000); // local header offset
        failsOpening(TestFiles.write(tmp.resolve("z4.npz"), b)).hasMessageContaining("local header offset 268435456 exceeds");
        b = Files.readAllBytes(p);
        bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(cd + 20, 0x10000000).putInt(cd + 24, 0x10000000); // sizes
        failsOpening(TestFiles.write(tmp.resolve("z5.npz"), b)).hasMessageContaining("zip member a.npy: data [");
    }

    /** Rewrites a member's uncompressed size in the central directory (java.util.zip wrote the truth). */
    private static void patchDeclaredSize(Path zip, String member, long actual, long declared) throws IOException {
        byte[] b = Files.readAllBytes(zip);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int cd = bb.getInt(b.length - 22 + 16);
        assertThat(bb.getInt(cd)).isEqualTo(0x02014b50);
        assertThat(bb.getInt(cd + 24) & 0xffffffffL).isEqualTo(actual);
        bb.putInt(cd + 24, (int) declared);
        Files.write(zip, b);
    }
}
