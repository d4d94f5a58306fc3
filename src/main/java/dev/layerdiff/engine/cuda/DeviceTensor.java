package dev.layerdiff.engine.cuda;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A contiguous tensor in GPU memory, held by someone else: PyTorch ({@code tensor.data_ptr()} of a
 * contiguous CUDA tensor), the JavaCPP CUDA preset, or a {@link DeviceMemory}. Little-endian, C order,
 * aligned to its element size.
 *
 * @param address the device address of element 0
 * @param dtype   element type
 * @param shape   dimensions (empty for a scalar)
 */
public record DeviceTensor(long address, DType dtype, long[] shape) {

    public DeviceTensor {
        shape = shape.clone();
        if (address == 0 && Shapes.numel(shape) > 0) throw new IllegalArgumentException("null device address");
    }

    /** Element count. */
    public long numel() {
        return Shapes.numel(shape);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A stand-in archive entry (for the result's bookkeeping); its data cannot be read from the host. */
    TensorEntry asEntry(String name) {
        long bytes = numel() * dtype.byteSize();
        return new TensorEntry(name, 0, dtype, shape, ByteOrder.LITTLE_ENDIAN, new TensorData() {
            @Override
            public long byteSize() {
                return bytes;
            }

            @Override
            public boolean isRandomAccess() {
                return true;
            }

            @Override
            public ByteBuffer read(long offset, int length) throws IOException {
                throw new IOException(name + ": device memory at 0x" + Long.toHexString(address) + " is not readable from the host");
            }
        });
    }
}
