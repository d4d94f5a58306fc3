package dev.layerdiff.capture;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads the JavaCPP PyTorch preset's native libtorch once. The first load unpacks ~430 MB into
 * {@code ~/.javacpp/cache} (seconds); only the commands that run a model come here.
 */
final class Libtorch {
    /**
     * JavaCPP's version check prints this on every load, straight to System.err: the pom pins openblas
     * 0.3.31-1.5.13 because the preset's own 0.3.34-1.5.14 is not on Maven Central, and the two work
     * together. Shown with --verbose; any other warning always.
     */
    private static final Pattern PINNED_OPENBLAS = Pattern.compile(
            "Warning: Versions of org\\.bytedeco:javacpp:\\S+ and org\\.bytedeco:openblas:\\S+ do not match\\.");

    /** The preset's class that loads the native libraries; its absence means the optional dependency is missing. */
    private static final String PRESET_CLASS = "org.bytedeco.pytorch.global.torch";

    private static volatile String version;

    private Libtorch() {}

    /**
     * Loads libtorch and returns its version; a missing preset (libtorch is an optional dependency) or a
     * missing or broken native library becomes an IOException.
     */
    static String load() throws IOException {
        String v = version;
        if (v != null) return v;
        requirePreset();
        synchronized (Libtorch.class) {
            if (version != null) return version;
            FileChannel lock = lockCache();
            PrintStream err = System.err;
            LineFilter filter = new LineFilter(err, line -> PINNED_OPENBLAS.matcher(line).matches()
                    && !Logger.getLogger("dev.layerdiff").isLoggable(Level.FINE));
            System.setErr(new PrintStream(filter, true, StandardCharsets.UTF_8));
            try {
                // Every bundled library first, in dependency order: never one found on the system's paths.
                try {
                    BundledLibraries.preload(torch.class, "openblas", "pytorch");
                } catch (IOException e) {
                    // A jar laid out otherwise (another platform extension): JavaCPP's own order, as before.
                    Logger.getLogger("dev.layerdiff").fine("preloading the bundled libraries failed: " + e.getMessage());
                }
                Loader.load(torch.class);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
                throw new IOException("libtorch could not be loaded (" + Errors.firstLine(e) + "); "
                        + "it comes from org.bytedeco:pytorch with the " + Loader.getPlatform() + " classifier", e);
            } finally {
                System.setErr(err);
                filter.close();
                close(lock);
            }
            String jar = torch.class.getPackage().getImplementationVersion();
            version = "libtorch " + (jar != null ? jar : "2.13.0 (JavaCPP preset)");
            return version;
        }
    }

    /** Fails in one line, before anything touches a class of the preset, where the preset's jars are absent. */
    private static void requirePreset() throws IOException {
        try {
            Class.forName(PRESET_CLASS, false, Libtorch.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IOException("libtorch is not on the class path: capture and compare-model need org.bytedeco:pytorch"
                    + " and its platform jar, optional dependencies of layerdiff (the distribution's bin/layerdiff has them)");
        }
    }

    /**
     * Holds every other process out of the JavaCPP cache while this one unpacks and loads libtorch (issue 11).
     * JavaCPP locks the cache only while it writes one file, and loads each library as soon as it is written;
     * the dynamic linker then finds the library's dependencies in the same directory by itself (RUNPATH
     * $ORIGIN), under no lock. The preset loads libtorch.so before it unpacks libtorch_cpu.so, so a second
     * process filling the same empty cache at the same moment has ld.so map the first one's half-written
     * 321 MB libtorch_cpu.so, and that JVM dies in native code (SIGBUS in ld.so, an hs_err file; bytedeco/javacpp#608).
     * Behind this lock the others wait, then find every file complete. Not JavaCPP's own {@code .lock}:
     * Loader.load takes that one, and a JVM cannot lock a file it holds locked. Returns null (no lock, as before) where the cache cannot be locked.
     */
    private static FileChannel lockCache() {
        FileChannel channel = null;
        try {
            Path file = Loader.getCacheDir().toPath().resolve(".layerdiff-libtorch.lock");
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.lock();
            return channel;
        } catch (IOException | OverlappingFileLockException e) {
            close(channel);
            return null;
        }
    }

    /** Closing the channel releases the lock. */
    private static void close(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do: the lock goes with the channel, and at the latest with the process
        }
    }
}
