package dev.layerdiff.spark;

import dev.layerdiff.engine.Backends;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.engine.Device;
import java.util.EnumMap;
import java.util.Map;

/**
 * The backends of this JVM, made once and shared by every task it runs: the backend a whole layer goes to
 * (CUDA on a GPU executor, else the CPU, as {@code layerdiff compare} chooses) and the CPU backend that
 * compares the chunks of a split layer. One CPU pool per JVM, sized to its cores, so that concurrent
 * tasks queue on it instead of each starting threads of their own.
 */
final class Engines {
    private static final Map<Device, CompareBackend> BACKENDS = new EnumMap<>(Device.class);
    private static CpuBackend chunks;

    private Engines() {}

    static synchronized CompareBackend backend(Device device) {
        return BACKENDS.computeIfAbsent(device, d -> d == Device.CPU ? chunks() : Backends.select(d));
    }

    /** The CPU backend, with the chunk size a local {@code layerdiff compare} uses, so split layers merge to its figures. */
    static synchronized CpuBackend chunks() {
        if (chunks == null) chunks = new CpuBackend();
        return chunks;
    }
}
