package dev.layerdiff.capture;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Moves tensor bytes between layerdiff's archives and libtorch, and maps dtypes. */
final class TorchTensors {
    private TorchTensors() {}

    static ScalarType scalarType(DType t) {
        return switch (t) {
            case FLOAT64 -> ScalarType.Double;
            case FLOAT32 -> ScalarType.Float;
            case FLOAT16 -> ScalarType.Half;
            case BFLOAT16 -> ScalarType.BFloat16;
            case FLOAT8_E4M3FN -> ScalarType.Float8_e4m3fn;
            case FLOAT8_E5M2 -> ScalarType.Float8_e5m2;
            case FLOAT8_E8M0FNU -> ScalarType.Float8_e8m0fnu;
            case INT64 -> ScalarType.Long;
            case INT32 -> ScalarType.Int;
            case INT16 -> ScalarType.Short;
            case INT8 -> ScalarType.Char;
            case UINT64 -> ScalarType.UInt64;
            case UINT32 -> ScalarType.UInt32;
            case UINT16 -> ScalarType.UInt16;
            case UINT8 -> ScalarType.Byte;
            case BOOL -> ScalarType.Bool;
        };
    }

    /** The layerdiff dtype of a libtorch tensor, or null if dumps cannot hold it (complex, quantized). */
    static DType dtype(ScalarType t) {
        // Enums returned by the preset are fresh objects with ordinal 0: intern() finds the constant.
        return switch (t.intern()) {
            case Double -> DType.FLOAT64;
            case Float -> DType.FLOAT32;
            case Half -> DType.FLOAT16;
            case BFloat16 -> DType.BFLOAT16;
            case Float8_e4m3fn -> DType.FLOAT8_E4M3FN;
            case Float8_e5m2 -> DType.FLOAT8_E5M2;
            case Float8_e8m0fnu -> DType.FLOAT8_E8M0FNU;
            case Long -> DType.INT64;
            case Int -> DType.INT32;
            case Short -> DType.INT16;
            case Char -> DType.INT8;
            case UInt64 -> DType.UINT64;
            case UInt32 -> DType.UINT32;
            case UInt16 -> DType.UINT16;
            case Byte -> DType.UINT8;
            case Bool -> DType.BOOL;
            default -> null;
        };
    }

    /** Copies an archive tensor into a new CPU libtorch tensor, swapping big-endian data. */
    static Tensor fromEntry(TensorEntry e) throws IOException {
        Tensor t = torch.empty(e.shape(), new TensorOptions(scalarType(e.dtype())), new MemoryFormatOptional());
        long size = e.byteSize();
        BytePointer dst = new BytePointer(t.data_ptr()).capacity(size);
        int width = e.dtype().byteSize();
        int chunk = (1 << 20) - (1 << 20) % width;
        for (long off = 0; off < size; off += chunk) {
            int n = (int) Math.min(chunk, size - off);
            ByteBuffer src = e.data().read(off, n).duplicate();
            ByteBuffer out = dst.position(off).limit(off + n).asByteBuffer();
            if (width > 1 && e.byteOrder() != ByteOrder.nativeOrder()) {
                byte[] b = new byte[n];
                src.get(b);
                for (int i = 0; i < n; i += width) {
                    for (int j = 0; j < width; j++) out.put(i + j, b[i + width - 1 - j]);
                }
            } else {
                out.put(src);
            }
        }
        return t;
    }

    /**
     * The bytes of a tensor as {@link TensorData} over its native memory, without a copy. Keeps
     * {@code t} (contiguous, on the CPU) reachable for as long as the returned object is.
     */
    static TensorData data(Tensor t) {
        Tensor cpu = t.is_cuda() ? t.cpu().contiguous() : t.contiguous();
        long size = cpu.nbytes();
        BytePointer base = new BytePointer(cpu.data_ptr()).capacity(size);
        return new TensorData() {
            @SuppressWarnings("unused")
            private final Tensor keep = cpu;

            @Override public long byteSize() { return size; }
            @Override public boolean isRandomAccess() { return true; }
            @Override public ByteBuffer read(long offset, int length) {
                BytePointer p = new BytePointer(base).position(offset).limit(offset + length);
                return p.asByteBuffer().asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            }
        };
    }
}
