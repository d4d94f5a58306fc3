package dev.layerdiff.engine;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.logging.Logger;

/**
 * Chooses the backend. Each refusal is a guard clause that keeps its reason: {@link #cudaUnavailabilityCause()}
 * says why CUDA was not chosen. The CUDA backend is loaded by reflection so that the core never links
 * to native code.
 */
public final class Backends {
    private static final Logger LOG = Logger.getLogger(Backends.class.getName());
    static final String CUDA_PROVIDER = "dev.layerdiff.engine.cuda.CudaBackendProvider";

    private static volatile Throwable cudaCause;
    private static volatile boolean loggedFallback;

    private Backends() {}

    /**
     * The CPU backend of this JVM: its pool is sized to the cores and its kernel is chosen once per JVM,
     * so another instance per selection would only add idle threads. Closing it does nothing.
     */
    private static final class SharedCpu {
        static final CpuBackend INSTANCE = new CpuBackend();
    }

    private static CompareBackend cpu() {
        CpuKernels.lookup(); // rejects a bad -Dlayerdiff.native or -Dlayerdiff.simd on every selection
        return SharedCpu.INSTANCE;
    }

    /**
     * Returns a backend for a device, which the caller closes: CPU, CUDA (throwing {@link BackendUnavailableException} with the
     * reason if it cannot run), or for AUTO the CUDA backend when its probe succeeds, else the CPU (logging
     * why, once, at FINE: the fallback is the normal case on most machines; {@link #cudaUnavailabilityCause()}
     * says it to whoever asks).
     */
    public static CompareBackend select(Device device) {
        return switch (device) {
            case CPU -> cpu();
            case CUDA -> {
                CompareBackend cuda = tryCuda();
                if (cuda == null) {
                    throw new BackendUnavailableException("CUDA backend unavailable: " + describe(cudaCause), cudaCause);
                }
                yield cuda;
            }
            case AUTO -> {
                CompareBackend cuda = tryCuda();
                if (cuda != null) yield cuda;
                if (!loggedFallback) {
                    loggedFallback = true;
                    LOG.fine(() -> "using the CPU backend: " + describe(cudaCause));
                }
                yield cpu();
            }
        };
    }

    /** Why the CUDA backend is unavailable, or null if it is available (probes it if needed). */
    public static Throwable cudaUnavailabilityCause() {
        CompareBackend cuda = tryCuda();
        if (cuda == null) return cudaCause;
        cuda.close();
        return null;
    }

    private static CompareBackend tryCuda() {
        Class<?> provider;
        try {
            provider = Class.forName(CUDA_PROVIDER);
        } catch (ClassNotFoundException e) {
            cudaCause = new UnsupportedOperationException("this build of layerdiff has no CUDA backend");
            return null;
        }
        try {
            Object backend = provider.getMethod("create").invoke(null);
            return (CompareBackend) backend;
        } catch (InvocationTargetException e) {
            cudaCause = e.getCause();
            return null;
        } catch (ReflectiveOperationException | ClassCastException e) {
            // The class is in the jar but does not fit: a packaging bug, not an environment problem.
            throw new IllegalStateException("broken CUDA provider " + CUDA_PROVIDER + ": " + e, e);
        }
    }

    /**
     * What the CUDA provider reports about this machine (runtime, driver, devices), one line each; a
     * single line saying why when this build has no CUDA backend.
     */
    @SuppressWarnings("unchecked")
    public static List<String> cudaDescription() {
        try {
            return (List<String>) Class.forName(CUDA_PROVIDER).getMethod("describe").invoke(null);
        } catch (ClassNotFoundException e) {
            return List.of("this build of layerdiff has no CUDA backend");
        } catch (InvocationTargetException e) {
            return List.of(describe(e.getCause()));
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("broken CUDA provider " + CUDA_PROVIDER + ": " + e, e);
        }
    }

    private static String describe(Throwable t) {
        return t == null ? "unknown reason" : (t.getMessage() != null ? t.getMessage() : t.toString());
    }
}
