package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.layerdiff.ChildJvm;
import dev.layerdiff.archive.ArchiveFormat;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file that shrinks while it is being compared (issue 13: another process truncating a dump, a network
 * file system losing it) ends as one line naming the file, exit code 2, whichever kernel reads it: never
 * a JVM killed by SIGBUS (an hs_err file), an InternalError's stack trace, or a report written from what
 * was read. Each run is a child JVM with {@link ShrinkingF32Format} installed, which truncates the
 * candidate between the slicing of its buffer and the kernel's reading of it, so the kernel's own read
 * faults, every time.
 */
class ShrinkingFileCliTest {
    /** Elements of the one tensor: 4 MB, one chunk, all but its first page gone when the kernel reads it. */
    private static final int N = 1 << 20;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"native", "simd", "scalar"})
    void aFileTruncatedWhileTheKernelReadsItIsOneLineAndExitTwo(String kernel) throws Exception {
        assumeFalse(kernel.equals("native") && Boolean.getBoolean("javacpp.skip"),
                "the build skipped the native kernel (-Djavacpp.skip=true)");
        Path ref = reference(tmp.resolve("ref.safetensors"));
        Path cand = shrinking(tmp.resolve("cand.shrink"));
        long size = Files.size(cand);
        Path out = Files.createDirectory(tmp.resolve("out"));
        Run r = run(kernel, "compare", ref.toString(), cand.toString(), "--json", out.resolve("report.json").toString());

        assertThat(r.exit).as(r.err).isEqualTo(2);
        assertThat(r.err).isEqualTo("layerdiff: " + cand + ": changed size while being read: shrank from " + size + " to "
                + ShrinkingF32Format.KEPT + " bytes (overwritten or truncated by another process?)\n");
        assertThat(r.out).isEmpty();
        assertThat(names(out)).as("no report, no temporary file").isEmpty();
        assertThat(names(tmp)).as("no hs_err file").containsExactlyInAnyOrder("ref.safetensors", "cand.shrink", "out", "services");
    }

    /** With --verbose the trace shows that the kernel's read faulted and was caught (not a check before it). */
    @ParameterizedTest
    @ValueSource(strings = {"native", "simd", "scalar"})
    void theFaultIsTheKernelsOwnRead(String kernel) throws Exception {
        assumeFalse(kernel.equals("native") && Boolean.getBoolean("javacpp.skip"),
                "the build skipped the native kernel (-Djavacpp.skip=true)");
        Path ref = reference(tmp.resolve("ref.safetensors"));
        Path cand = shrinking(tmp.resolve("cand.shrink"));
        Run r = run(kernel, "compare", ref.toString(), cand.toString(), "--verbose");

        assertThat(r.exit).as(r.err).isEqualTo(2);
        assertThat(r.err).contains("layerdiff: using the cpu-" + kernel + " backend")
                .contains(cand + ": changed size while being read")
                .contains(kernel.equals("native") ? "MemoryFault: a read of mapped memory faulted (SIGBUS) in the native kernel"
                        : "java.lang.InternalError: a fault occurred in")
                .contains("Suppressed:");
        if (!kernel.equals("native")) assertThat(r.err).contains("unsafe memory access");
    }

    private record Run(int exit, String out, String err) {}

    private Run run(String kernel, String... args) throws IOException, InterruptedException {
        Path services = Files.createDirectories(tmp.resolve("services/META-INF/services"));
        Files.writeString(services.resolve(ArchiveFormat.class.getName()), ShrinkingF32Format.class.getName() + "\n");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:ErrorFile=" + tmp.resolve("hs_err_%p.log")));
        switch (kernel) {
            case "native" -> cmd.add("-Dlayerdiff.native=true");
            case "simd" -> cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Dlayerdiff.native=false",
                    "-Dlayerdiff.simd=true"));
            default -> cmd.addAll(List.of("-Dlayerdiff.native=false", "-Dlayerdiff.simd=false"));
        }
        cmd.addAll(List.of("-Dlayerdiff.device=cpu", "-cp",
                tmp.resolve("services") + File.pathSeparator + System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = ChildJvm.of(cmd).directory(tmp.toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        // The JVM's own warning for --add-modules, which the launcher filters out as well.
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                .replaceFirst("^WARNING: Using incubator modules: jdk.incubator.vector\n", "");
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), err);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static ByteBuffer values() {
        ByteBuffer b = ByteBuffer.allocate(4 * N).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < N; i++) b.putFloat(4 * i, i % 1000 - 500.25f);
        return b;
    }

    private static Path reference(Path path) throws IOException {
        String header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[" + N + "],\"data_offsets\":[0," + 4 * N + "]}}";
        while (header.length() % 8 != 0) header += " ";
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length());
        Files.write(path, concat(head.array(), header.getBytes(StandardCharsets.US_ASCII), values().array()));
        return path;
    }

    private static Path shrinking(Path path) throws IOException {
        Files.write(path, concat(ShrinkingF32Format.MAGIC, values().array()));
        return path;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }
}
