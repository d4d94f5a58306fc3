package dev.layerdiff.engine;

import dev.layerdiff.tensor.DType;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses the CPU kernel once per JVM, Native -> SIMD -> scalar: the native AVX2 kernel (built by
 * {@code cppbuild.sh}, bound by JavaCPP) unless {@code -Dlayerdiff.native=false} or it cannot run here,
 * handing what it does not cover to the Java kernel; the Java kernel is the Vector API one when the
 * {@code jdk.incubator.vector} module is in the boot layer and {@code -Dlayerdiff.simd} is not
 * {@code false}, else the scalar one. Both accelerated kernels are loaded by reflection (the SIMD class
 * lives in a separate source root compiled against the incubator module), so this class and everything
 * that links to it run without the module, JavaCPP or a native library.
 */
public final class CpuKernels {
    private CpuKernels() {}

    /** System property: {@code true} (require the SIMD kernel), {@code false} (never) or unset (when available). */
    public static final String SIMD_PROPERTY = "layerdiff.simd";
    /** System property: {@code true} (require the native kernel), {@code false} (never) or unset. */
    public static final String NATIVE_PROPERTY = "layerdiff.native";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String SIMD_CLASS = "dev.layerdiff.engine.SimdKernel";
    static final String NATIVE_CLASS = "dev.layerdiff.engine.nativecpu.NativeKernel";

    private static final Logger LOG = Logger.getLogger(CpuKernels.class.getName());

    /** A kernel chosen once per JVM, and why the preferred one was refused (null if it was not). */
    private record Choice(CpuKernel kernel, String cause) {
        /** The kernel {@code load} gives unless refused ({@code refusal} or its own cause), else {@code fallback}'s. */
        static Choice of(String what, String refusal, Supplier<Choice> load, Supplier<CpuKernel> fallback) {
            Choice loaded = refusal == null ? load.get() : new Choice(null, refusal);
            if (loaded.kernel() != null) return loaded;
            // Quiet by default (FINE): the fallback kernels are correct, only slower.
            LOG.log(Level.FINE, "layerdiff: {0} kernel off: {1}", new Object[] {what, loaded.cause()});
            return new Choice(fallback.get(), loaded.cause());
        }

        static Choice refused(String cause) {
            return new Choice(null, cause);
        }
    }

    /** The Java kernel, SIMD or scalar: chosen on first use, so a run the native kernel covers never loads the Vector API. */
    private static final class JavaChoice {
        static final Choice INSTANCE = Choice.of("SIMD", simdRefusal(), CpuKernels::loadSimd, ScalarKernel::new);
    }

    /** The kernel {@link #lookup()} gives: native, else the Java one. */
    private static final class NativeChoice {
        static final Choice INSTANCE = Choice.of("native CPU", nativeRefusal(), CpuKernels::loadNative,
                () -> JavaChoice.INSTANCE.kernel());

        static {
            LOG.log(Level.FINE, "layerdiff: using the {0} CPU kernel", INSTANCE.kernel().name());
        }
    }

    /**
     * The kernel to use in this JVM.
     *
     * @throws IllegalArgumentException if {@code -Dlayerdiff.native} or {@code -Dlayerdiff.simd} is not
     *     {@code true} or {@code false} (checked on every call, before any kernel loads)
     */
    public static CpuKernel lookup() {
        checkProperties();
        return NativeChoice.INSTANCE.kernel();
    }

    /** Fails with a one-line message, not an error in a class initializer, on a bad property value. */
    private static void checkProperties() {
        checkProperty(NATIVE_PROPERTY);
        checkProperty(SIMD_PROPERTY);
    }

    private static void checkProperty(String name) {
        String p = System.getProperty(name);
        if (p != null && !p.equals("true") && !p.equals("false")) {
            throw new IllegalArgumentException("-D" + name + "=" + p + ": expected true or false");
        }
    }

    /** The best Java kernel (SIMD or scalar): what the native kernel hands its other cases to. */
    public static CpuKernel java() {
        checkProperties();
        return JavaChoice.INSTANCE.kernel();
    }

    /** Why {@link #lookup()} did not pick the native kernel, or null if it did. */
    public static String nativeUnavailabilityCause() {
        checkProperties();
        return NativeChoice.INSTANCE.cause();
    }

    /** The reference kernel (always available). */
    public static CpuKernel scalar() {
        return new ScalarKernel();
    }

    /** Why {@link #lookup()} did not pick the SIMD kernel, or null if it did. */
    public static String simdUnavailabilityCause() {
        checkProperties();
        return JavaChoice.INSTANCE.cause();
    }

    /** Whether the vector module is in the boot layer (what {@code --add-modules} decides). */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    private static String nativeRefusal() {
        checkProperty(NATIVE_PROPERTY);
        return "false".equals(System.getProperty(NATIVE_PROPERTY)) ? "disabled by -D" + NATIVE_PROPERTY + "=false" : null;
    }

    /**
     * Loads and probes the native kernel. JavaCPP or the kernel class missing from the classpath is a
     * soft refusal (the core jar runs alone); an {@link UnsupportedOperationException} from the
     * constructor (another platform, no AVX2) too; anything else is a packaging bug and fails loudly.
     */
    private static Choice loadNative() {
        boolean required = "true".equals(System.getProperty(NATIVE_PROPERTY));
        CpuKernel k;
        try {
            Class<?> cls = Class.forName(NATIVE_CLASS);
            Supplier<CpuKernel> fallback = CpuKernels::java;
            k = (CpuKernel) cls.getConstructor(Supplier.class).newInstance(fallback);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            return refuseNative("JavaCPP or " + NATIVE_CLASS + " is not on the classpath", required, e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof NoClassDefFoundError missing) {
                return refuseNative("JavaCPP is not on the classpath (" + missing.getMessage() + ")", required, missing);
            }
            if (e.getCause() instanceof UnsupportedOperationException u) {
                return refuseNative(u.getMessage(), required, u);
            }
            throw new IllegalStateException("native CPU kernel failed to start: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("packaging bug: cannot instantiate " + NATIVE_CLASS, e);
        }
        probe(k);
        return new Choice(k, null);
    }

    /** A soft refusal: kept for {@code doctor}, an error only under {@code -Dlayerdiff.native=true}. */
    private static Choice refuseNative(String why, boolean required, Throwable cause) {
        if (required) throw new IllegalStateException("-D" + NATIVE_PROPERTY + "=true but " + why, cause);
        return Choice.refused(why);
    }

    private static String simdRefusal() {
        checkProperty(SIMD_PROPERTY);
        String p = System.getProperty(SIMD_PROPERTY);
        if ("false".equals(p)) return "disabled by -D" + SIMD_PROPERTY + "=false";
        if (!vectorModulePresent()) {
            String why = "module " + VECTOR_MODULE + " is not in the boot layer; run java with --add-modules "
                    + VECTOR_MODULE + " to enable it";
            if ("true".equals(p)) throw new IllegalStateException("-D" + SIMD_PROPERTY + "=true but " + why);
            return why;
        }
        return null;
    }

    /**
     * Loads and probes the SIMD kernel. The module is present, so a missing class is a packaging bug and
     * fails loudly; an {@link UnsupportedOperationException} from the constructor (e.g. vectors narrower
     * than 256 bits) is a soft refusal.
     */
    private static Choice loadSimd() {
        Class<?> cls;
        try {
            cls = Class.forName(SIMD_CLASS);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("packaging bug: " + VECTOR_MODULE + " is present but " + SIMD_CLASS
                    + " is missing from the jar (was src/main/java-vector compiled?)", e);
        }
        CpuKernel k;
        try {
            k = (CpuKernel) cls.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof UnsupportedOperationException u) {
                if ("true".equals(System.getProperty(SIMD_PROPERTY))) throw new IllegalStateException(u.getMessage(), u);
                return Choice.refused(u.getMessage());
            }
            throw new IllegalStateException("SIMD kernel failed to start", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("packaging bug: cannot instantiate " + SIMD_CLASS, e);
        }
        probe(k);
        return new Choice(k, null);
    }

    /** Runs a trivial comparison (direct buffers, as mapped files give) so a linkage error surfaces here. */
    private static void probe(CpuKernel k) {
        ByteBuffer a = ByteBuffer.allocateDirect(4 * 40).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocateDirect(4 * 40).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 40; i++) {
            a.putFloat(4 * i, i);
            b.putFloat(4 * i, i + (i == 17 ? 3 : 0));
        }
        PairPartial p = new PairPartial(0, 0, false, null);
        k.compare(a, DType.FLOAT32, b, DType.FLOAT32, 40, 0, p);
        if (p.maxAbsIndex != 17 || p.mismatched != 1 || p.ref.count != 40) {
            throw new IllegalStateException(k.name() + " kernel probe gave wrong results: max_abs_index " + p.maxAbsIndex
                    + ", mismatched " + p.mismatched);
        }
    }
}
