package dev.layerdiff.tensor;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor of an archive: its place in the archive's order, dtype, shape and data.
 *
 * @param name      the tensor's name; nested containers are flattened with {@code /}
 * @param order     0-based position in the archive's order
 * @param dtype     element type
 * @param shape     dimensions; empty for a 0-d scalar
 * @param byteOrder byte order of the elements as {@link TensorData#read} returns them
 * @param data      the element bytes in logical C order
 */
public record TensorEntry(String name, int order, DType dtype, long[] shape, ByteOrder byteOrder, TensorData data) {

    public TensorEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(byteOrder, "byteOrder");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
    }

    /** Element count: the product of the shape (1 for a scalar). */
    public long numel() { return Shapes.numel(shape); }

    /** Bytes of element data. */
    public long byteSize() { return numel() * dtype.byteSize(); }

    @Override
    public long[] shape() { return shape.clone(); }

    /** The same entry under another name or position (used when pairing tensors). */
    public TensorEntry renamed(String newName, int newOrder) {
        return new TensorEntry(newName, newOrder, dtype, shape, byteOrder, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry e && e.name.equals(name) && e.order == order && e.dtype == dtype
                && Arrays.equals(e.shape, shape) && e.byteOrder.equals(byteOrder) && e.data == data;
    }

    @Override
    public int hashCode() { return Objects.hash(name, order, dtype, Arrays.hashCode(shape)); }

    @Override
    public String toString() { return name + " " + dtype + Shapes.format(shape); }
}
