package dev.layerdiff.archive;

import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Gathers a strided view (a Fortran-order .npy, a transposed torch tensor) into logical C order. Each
 * read walks only the elements it returns and touches the storage through bounded slices, so memory use
 * is the read's length plus one chunk. Random access and thread-safe: reads share no mutable state.
 */
public final class StridedTensorData extends SizedTensorData {
    private static final int CHUNK = 1 << 20;

    private final TensorData storage;
    private final long storageOffset;
    private final long[] shape;
    private final long[] strides;
    private final int itemSize;

    /**
     * @param storage       random-access bytes of the underlying storage
     * @param storageOffset first element's index in the storage, in elements
     * @param shape         logical shape
     * @param strides       element strides, non-negative; the caller has checked the view's extent
     *                      against the storage size
     */
    public StridedTensorData(TensorData storage, long storageOffset, long[] shape, long[] strides, int itemSize,
            ByteOrder order) {
        super(Shapes.numel(shape) * itemSize, order, true);
        if (!storage.isRandomAccess()) throw new IllegalArgumentException("a strided view needs a random-access storage");
        if (shape.length != strides.length) throw new IllegalArgumentException("shape and strides differ in rank");
        this.storage = storage;
        this.storageOffset = storageOffset;
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.itemSize = itemSize;
    }

    @Override
    public void checkUnchanged() throws IOException {
        storage.checkUnchanged();
    }

    @Override
    public Pin pin() {
        return storage.pin();
    }

    @Override
    protected ByteBuffer readInside(long offset, int length) throws IOException {
        if (length == 0) return ByteBuffer.allocate(0).asReadOnlyBuffer();
        long first = offset / itemSize;
        long end = (offset + length + itemSize - 1) / itemSize;
        byte[] out = new byte[Math.toIntExact((end - first) * itemSize)];
        gather(first, end - first, out);
        int skip = (int) (offset - first * itemSize);
        return ByteBuffer.wrap(out, skip, length).slice().asReadOnlyBuffer();
    }

    private void gather(long firstElement, long count, byte[] out) throws IOException {
        int rank = shape.length;
        long[] index = new long[rank];
        long rest = firstElement;
        for (int d = rank - 1; d >= 0; d--) {
            index[d] = rest % shape[d];
            rest /= shape[d];
        }
        boolean innerContiguous = rank > 0 && strides[rank - 1] == 1;
        Window window = new Window();
        int outPos = 0;
        long done = 0;
        while (done < count) {
            long src = storageOffset;
            for (int d = 0; d < rank; d++) src += index[d] * strides[d];
            long run = innerContiguous ? Math.min(shape[rank - 1] - index[rank - 1], count - done) : 1;
            int bytes = (int) (run * itemSize);
            window.copy(src * itemSize, out, outPos, bytes);
            outPos += bytes;
            done += run;
            // Advance the multi-index by `run` elements (a run never crosses the innermost dimension).
            if (rank > 0) {
                index[rank - 1] += run;
                for (int d = rank - 1; d > 0 && index[d] >= shape[d]; d--) {
                    index[d] = 0;
                    index[d - 1]++;
                }
            }
        }
    }

    /** A bounded slice of the storage, moved as the gather walks. */
    private final class Window {
        private ByteBuffer buffer;
        private long start = -1;

        void copy(long pos, byte[] dst, int off, int len) throws IOException {
            while (len > 0) {
                if (buffer == null || pos < start || pos >= start + buffer.limit()) {
                    start = pos;
                    buffer = storage.read(pos, (int) Math.min(CHUNK, storage.byteSize() - pos));
                }
                int n = (int) Math.min(len, start + buffer.limit() - pos);
                buffer.get((int) (pos - start), dst, off, n);
                pos += n;
                off += n;
                len -= n;
            }
        }
    }
}
