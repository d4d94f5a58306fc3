package dev.layerdiff.cli;

import dev.layerdiff.Version;
import dev.layerdiff.engine.Backends;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.CpuKernels;
import dev.layerdiff.engine.Device;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code layerdiff doctor}: what this machine offers and which backend a comparison would use, and why. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Print the environment: Java, SIMD, the native kernel, CUDA (runtime, driver, devices), the backend a"
                + " comparison would use, and why any is unavailable.")
final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("layerdiff " + Version.get());
        out.println("java:    " + System.getProperty("java.version") + " " + System.getProperty("java.vm.name")
                + " (" + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
        out.println("cores:   " + Runtime.getRuntime().availableProcessors());
        String simdOff = CpuKernels.simdUnavailabilityCause();
        out.println("simd:    " + (simdOff == null ? "on (jdk.incubator.vector, 256-bit lanes)" : "off: " + simdOff));
        String nativeOff = CpuKernels.nativeUnavailabilityCause();
        out.println("native:  " + (nativeOff == null ? "on (AVX2 kernel, src/main/native/cpu)" : "off: " + nativeOff));
        out.println("cpu:     available (" + Backends.select(Device.CPU).name() + ")");
        Throwable cuda = Backends.cudaUnavailabilityCause();
        out.println("cuda:    " + (cuda == null ? "available" : "unavailable: " + cuda.getMessage()));
        for (String line : Backends.cudaDescription()) out.println("  " + line);
        Device device = Device.resolve(null);
        out.println("device:  " + device.name().toLowerCase(Locale.ROOT) + " -> "
                + (device == Device.CUDA && cuda != null ? "error (CUDA unavailable)" : selected(device)));
        out.flush();
        return 0;
    }

    private static String selected(Device device) {
        try (CompareBackend backend = Backends.select(device)) {
            return backend.name();
        }
    }
}
