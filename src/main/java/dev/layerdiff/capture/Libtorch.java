package dev.layerdiff.capture;

import java.io.IOException;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads the JavaCPP PyTorch preset's native libtorch once. The first load unpacks ~430 MB into
 * {@code ~/.javacpp/cache} (seconds); only the commands that run a model come here.
 */
final class Libtorch {
    private static volatile String version;

    private Libtorch() {}

    /** Loads libtorch and returns its version; a missing or broken native library becomes an IOException. */
    static String load() throws IOException {
        String v = version;
        if (v != null) return v;
        synchronized (Libtorch.class) {
            if (version != null) return version;
            try {
                Loader.load(torch.class);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
                throw new IOException("libtorch could not be loaded (" + Errors.firstLine(e) + "); "
                        + "it comes from org.bytedeco:pytorch with the " + Loader.getPlatform() + " classifier", e);
            }
            String jar = torch.class.getPackage().getImplementationVersion();
            version = "libtorch " + (jar != null ? jar : "2.13.0 (JavaCPP preset)");
            return version;
        }
    }
}
