package dev.layerdiff.archive.torch;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.ShapeChecks;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.archive.MappedTensorData;
import dev.layerdiff.archive.StridedTensorData;
import dev.layerdiff.archive.torch.PickleValues.TensorRef;
import dev.layerdiff.archive.zip.ZipMember;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;

/** Resolves a tensor view (storage, offset, size, stride) to checked bytes in its storage member. */
final class StorageViews {
    private final MappedFile file;
    private final Map<String, ZipMember> members;
    private final String prefix;
    private final ByteOrder order;

    StorageViews(MappedFile file, Map<String, ZipMember> members, String prefix, ByteOrder order) {
        this.file = file;
        this.members = members;
        this.prefix = prefix;
        this.order = order;
    }

    TensorEntry entry(String name, int index, TensorRef t) throws ArchiveException {
        String f = file.name();
        String what = "tensor " + name + ": ";
        StorageTypes.Kind kind = StorageTypes.kind(t.storage().typeName());
        ZipMember m = members.get(prefix + "data/" + t.storage().key());
        if (m == null) throw new ArchiveException(f, what + "storage member " + prefix + "data/" + t.storage().key() + " is missing");
        if (m.method() != ZipMember.STORED) throw new ArchiveException(f, what + "storage member " + m.name() + " is compressed; torch.save never compresses storages");
        long[] size = t.size();
        long[] stride = t.stride();
        if (size.length != stride.length) throw new ArchiveException(f, what + "size and stride differ in rank");
        if (size.length > 64) throw new ArchiveException(f, what + size.length + " dimensions, more than 64");
        int unit = kind.dtype().byteSize() * (kind.complex() ? 2 : 1);
        long bytes = ShapeChecks.byteSize(size, unit, f);
        if (t.storageOffset() < 0) throw new ArchiveException(f, what + "negative storage offset " + t.storageOffset());
        for (long s : stride) if (s < 0) throw new ArchiveException(f, what + "negative stride in " + Arrays.toString(stride));
        if (bytes > 0) checkExtent(what, t, unit, m);
        long[] shape = size;
        long[] strides = stride;
        long offset = t.storageOffset();
        if (kind.complex()) { // expose (real, imaginary) as a trailing dimension, as torch.view_as_real does
            shape = Arrays.copyOf(size, size.length + 1);
            shape[size.length] = 2;
            strides = new long[stride.length + 1];
            for (int i = 0; i < stride.length; i++) strides[i] = stride[i] * 2;
            strides[stride.length] = 1;
            offset *= 2;
        }
        int item = kind.dtype().byteSize();
        TensorData data;
        if (bytes == 0 || isContiguous(shape, strides)) {
            data = new MappedTensorData(file, m.dataOffset() + (bytes == 0 ? 0 : offset * item), bytes, order);
        } else {
            data = new StridedTensorData(new MappedTensorData(file, m.dataOffset(), m.size(), order), offset, shape, strides, item, order);
        }
        return new TensorEntry(name, index, kind.dtype(), shape, order, data);
    }

    /** The last element the view touches must lie inside the storage member. */
    private void checkExtent(String what, TensorRef t, int unit, ZipMember m) throws ArchiveException {
        try {
            long last = t.storageOffset();
            for (int i = 0; i < t.size().length; i++) last = Math.addExact(last, Math.multiplyExact(t.size()[i] - 1, t.stride()[i]));
            long end = Math.multiplyExact(Math.addExact(last, 1), (long) unit);
            if (end > m.size()) {
                throw new ArchiveException(file.name(), what + "view (offset " + t.storageOffset() + ", size " + Shapes.format(t.size())
                        + ", stride " + Shapes.format(t.stride()) + ") reaches byte " + end + " of storage " + m.name() + " of " + m.size() + " bytes");
            }
        } catch (ArithmeticException e) {
            throw new ArchiveException(file.name(), what + "view extent overflows");
        }
    }

    private static boolean isContiguous(long[] shape, long[] strides) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }
}
