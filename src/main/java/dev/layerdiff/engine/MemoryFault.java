package dev.layerdiff.engine;

/**
 * A kernel's read of mapped memory faulted (SIGBUS): the file behind the buffer shrank while it was
 * read. Kernels do not know files; {@link CpuBackend} finds which of the pair's files changed and
 * reports that one. The Java kernels raise the JVM's own {@link InternalError} instead (see
 * {@link #isFault}); the native kernel catches the signal itself and throws this.
 */
public final class MemoryFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MemoryFault(String message) {
        super(message);
    }

    /**
     * Whether {@code e} is a fault of a read of mapped memory: this class, or the InternalError HotSpot
     * raises for a SIGBUS in an unsafe access ("a fault occurred in a recent unsafe memory access
     * operation ...").
     */
    public static boolean isFault(Throwable e) {
        if (e instanceof MemoryFault) return true;
        return e instanceof InternalError && e.getMessage() != null && e.getMessage().contains("unsafe memory access");
    }
}
