package dev.layerdiff.engine.nativecpu;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.engine.CpuKernel;
import dev.layerdiff.engine.ImageAccumulator;
import dev.layerdiff.engine.KernelScratch;
import dev.layerdiff.engine.MemoryFault;
import dev.layerdiff.engine.NativeCodes;
import dev.layerdiff.engine.NativeLibraries;
import dev.layerdiff.engine.NativeResults;
import dev.layerdiff.engine.PairPartial;
import dev.layerdiff.engine.SidePartial;
import dev.layerdiff.engine.SketchPartial;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Loader;

/**
 * The native CPU kernel ({@code src/main/native/cpu}, AVX2): pairs of little-endian float32, float16
 * and bfloat16 in any combination, and single tensors of those types, read in place from direct (mapped)
 * buffers. Everything else (other dtypes, big-endian data, heap buffers) goes to the Java kernel it was
 * given. Loaded by
 * reflection from {@code CpuKernels}, so the core links neither this class nor JavaCPP.
 *
 * <p>A read of a mapped page that no longer exists (the file shrank while being compared) would kill
 * the JVM in native code: the library catches that SIGBUS itself ({@code fault_guard.c}) and this class
 * throws a {@link MemoryFault}, which the backend reports against the file that changed.
 *
 * <p>Results equal the Java kernels' exactly but for the order of additions in sums: the C code is a
 * transcription of {@code ScalarKernel} (same double arithmetic, tolerance multiplied then added).
 */
public final class NativeKernel implements CpuKernel {
    /** Bytes of {@code ld_pair}. */
    private static final int PAIR_BYTES = NativeResults.PAIR_BYTES;
    /** Elements per native call when the pair has an image: its keys pass through a direct buffer. */
    static final int IMAGE_SLICE = 1 << 18;

    /** The Java kernel for what this one does not cover; resolved on first need. */
    private final Supplier<CpuKernel> fallback;
    private final ThreadLocal<Scratch> scratch;

    /** Per-thread native memory: the result struct, the kernel's tables, the image keys. */
    private static final class Scratch {
        final ByteBuffer out = ByteBuffer.allocateDirect(PAIR_BYTES).order(ByteOrder.nativeOrder());
        final ByteBuffer tables;
        ByteBuffer keys;

        Scratch(long tableBytes) {
            tables = ByteBuffer.allocateDirect(Math.toIntExact(tableBytes));
        }

        ByteBuffer keys() {
            if (keys == null) keys = ByteBuffer.allocateDirect(8 * IMAGE_SLICE).order(ByteOrder.nativeOrder());
            return keys;
        }
    }

    /**
     * Loads and checks the native library. Throws {@link UnsupportedOperationException} where it cannot
     * run here (another platform, a build without it, a CPU without AVX2/FMA/F16C): a soft refusal. A
     * library that is in the jar but does not load, or disagrees on the result layout, is a packaging
     * bug and throws {@link IllegalStateException}.
     */
    public NativeKernel(Supplier<CpuKernel> fallback) {
        this.fallback = fallback;
        NativeLibraries.load("native CPU kernel", NativeCpu.class, Loader.getPlatform(),
                "built without a C compiler, or with -Djavacpp.skip=true", NativeCpu::load);
        if (NativeCpu.ld_cpu_supported() == 0) {
            throw new UnsupportedOperationException("the CPU lacks AVX2, FMA or F16C");
        }
        NativeResults.checkPairSize(NativeCpu.ld_pair_size());
        if (NativeCpu.ld_install_fault_guard() != 0) {
            // Without the guard a file truncated during a compare would end the JVM: the Java kernels fail cleanly.
            throw new UnsupportedOperationException("cannot install the SIGBUS handler that guards the native kernel's reads");
        }
        long tables = NativeCpu.ld_scratch_size();
        scratch = ThreadLocal.withInitial(() -> new Scratch(tables));
    }

    @Override
    public String name() {
        return "native";
    }

    /** The native element type of this buffer and dtype, or -1 if the Java kernel must run. */
    private static int nativeType(ByteBuffer b, DType t) {
        if (!b.isDirect() || b.order() != ByteOrder.LITTLE_ENDIAN) return -1;
        return switch (t) {
            case FLOAT32, FLOAT16, BFLOAT16 -> NativeCodes.dtype(t);
            default -> -1;
        };
    }

    @Override
    public void compare(ByteBuffer ref, DType refType, ByteBuffer cand, DType candType, int n, long firstIndex,
                        PairPartial acc) {
        int rt = nativeType(ref, refType), ct = nativeType(cand, candType);
        if (rt < 0 || ct < 0) {
            fallback.get().compare(ref, refType, cand, candType, n, firstIndex, acc);
            return;
        }
        Scratch s = scratch.get();
        ImageAccumulator image = acc.image;
        if (image == null) {
            // slice(): position 0 at the first element, so the native side gets its address
            checkRead(NativeCpu.ld_compare(ref.slice(), rt, cand.slice(), ct, n, firstIndex, acc.rtol, acc.atol,
                    acc.equalNan ? 1 : 0, s.out, s.tables, null), n, firstIndex);
            NativeResults.foldPair(s.out, acc);
            return;
        }
        // With an image, the keys come back through a direct buffer one slice at a time.
        ByteBuffer keys = s.keys();
        double[] k = KernelScratch.get().imageKeys(IMAGE_SLICE);
        int rSize = refType.byteSize(), cSize = candType.byteSize();
        for (int off = 0; off < n; off += IMAGE_SLICE) {
            int len = Math.min(IMAGE_SLICE, n - off);
            checkRead(NativeCpu.ld_compare(ref.slice(ref.position() + off * rSize, len * rSize), rt,
                    cand.slice(cand.position() + off * cSize, len * cSize), ct,
                    len, firstIndex + off, acc.rtol, acc.atol, acc.equalNan ? 1 : 0, s.out, s.tables, keys),
                    len, firstIndex + off);
            NativeResults.foldPair(s.out, acc);
            keys.asDoubleBuffer().get(0, k, 0, len);
            image.accept(k, len, firstIndex + off);
        }
    }

    @Override
    public void summarize(ByteBuffer values, DType type, int n, SidePartial acc) {
        int t = nativeType(values, type);
        if (t < 0) {
            fallback.get().summarize(values, type, n, acc);
            return;
        }
        Scratch s = scratch.get();
        checkRead(NativeCpu.ld_summarize(values.slice(), t, n, s.out, s.tables), n, 0);
        NativeResults.foldSide(s.out, NativeResults.REF, acc);
    }

    @Override
    public void sketch(ByteBuffer values, DType type, int n, long first, SketchPartial acc) {
        int t = nativeType(values, type);
        if (t < 0) {
            fallback.get().sketch(values, type, n, first, acc);
            return;
        }
        long[] terms = new long[1];
        checkRead(NativeCpu.ld_sketch(values.slice(), t, n, first, acc.buckets, acc.k, acc.dim0, acc.ks0, acc.inner0, acc.dim1,
                acc.ks1, acc.inner1, acc.count1, terms), n, first);
        acc.hashTerms += terms[0];
    }

    /** {@code ld_compare}/{@code ld_summarize} return non-zero when a read faulted (SIGBUS); nothing was folded then. */
    private static void checkRead(int status, long n, long firstIndex) {
        if (status != 0) {
            throw new MemoryFault("a read of mapped memory faulted (SIGBUS) in the native kernel, elements ["
                    + firstIndex + ", " + (firstIndex + n) + ")");
        }
    }
}
