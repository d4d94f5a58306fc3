package dev.layerdiff.engine;

/**
 * Loads a native backend's JNI library (a JavaCPP binding class, whose library JavaCPP names {@code jni}
 * + its simple name) by the same guard clauses everywhere: another platform, or a build without the
 * library, is a soft refusal ({@link UnsupportedOperationException}: another kernel runs); a library
 * that is in the jar but does not load is a packaging bug ({@link IllegalStateException}). The caller
 * passes JavaCPP's platform and load call, so the core never links JavaCPP.
 */
public final class NativeLibraries {
    private NativeLibraries() {}

    /** The platform the native libraries are built for. */
    public static final String PLATFORM = "linux-x86_64";

    /**
     * Loads {@code binding}'s library with {@code load}.
     *
     * @param what     the library in words, e.g. {@code CUDA kernels}
     * @param platform JavaCPP's name of this platform
     * @param missing  how a build ends up without it, e.g. {@code built without nvcc}
     */
    public static void load(String what, Class<?> binding, String platform, String missing, Runnable load) {
        if (!platform.equals(PLATFORM)) throw new UnsupportedOperationException("no " + what + " built for " + platform);
        String library = System.mapLibraryName("jni" + binding.getSimpleName());
        if (binding.getResource(platform + "/" + library) == null) {
            throw new UnsupportedOperationException("this build has no " + what + " (" + missing + ")");
        }
        try {
            load.run();
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("packaging bug: " + what + " for " + platform + " in the jar failed to load: "
                    + e.getMessage(), e);
        }
    }
}
