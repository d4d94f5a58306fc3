package dev.layerdiff.archive.npy;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.ShapeChecks;
import dev.layerdiff.tensor.Shapes;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed header of a .npy stream (format versions 1.0, 2.0 and 3.0), checked against the number of
 * bytes actually available before anything else is read.
 *
 * @param type       element type and byte order
 * @param shape      the array's shape as NumPy states it (without the complex pair dimension)
 * @param fortran    whether the data is stored in Fortran (column-major) order
 * @param dataOffset offset of the first data byte from the start of the stream
 * @param byteSize   data byte count
 */
public record NpyHeader(NpyDtype type, long[] shape, boolean fortran, long dataOffset, long byteSize) {

    /** Larger headers are refused: NumPy itself refuses headers over 10 000 bytes by default. */
    static final int MAX_HEADER = 1 << 20;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_RANK = 64;

    /** Random or increasing-offset access to the bytes of one .npy stream. */
    @FunctionalInterface
    public interface Source {
        /** Bytes {@code [offset, offset + length)}; the caller has checked they are available. */
        byte[] read(long offset, int length) throws IOException;
    }

    /** Shape the readers expose: the NumPy shape, plus a trailing 2 for complex types. */
    public long[] logicalShape() {
        if (!type.complex()) return shape.clone();
        long[] s = Arrays.copyOf(shape, shape.length + 1);
        s[shape.length] = 2;
        return s;
    }

    /** True if {@code head} starts with the .npy magic string. */
    public static boolean hasMagic(byte[] head) {
        if (head.length < MAGIC.length) return false;
        for (int i = 0; i < MAGIC.length; i++) if (head[i] != MAGIC[i]) return false;
        return true;
    }

    /** Reads and validates the header of a stream of {@code available} bytes. */
    public static NpyHeader read(Source src, long available, String file) throws IOException {
        if (available < 10) throw new ArchiveException(file, "truncated .npy: " + available + " bytes, shorter than the 10-byte preamble");
        byte[] pre = src.read(0, 10);
        if (!hasMagic(pre)) throw new ArchiveException(file, "not a .npy stream: the magic string \\x93NUMPY is missing");
        int major = pre[6] & 0xff;
        int minor = pre[7] & 0xff;
        long headerLength;
        int preamble;
        if (major == 1 && minor == 0) {
            headerLength = (pre[8] & 0xff) | (pre[9] & 0xff) << 8;
            preamble = 10;
        } else if ((major == 2 || major == 3) && minor == 0) {
            if (available < 12) throw new ArchiveException(file, "truncated .npy: " + available + " bytes, shorter than the 12-byte preamble");
            byte[] len = src.read(8, 4);
            headerLength = (len[0] & 0xffL) | (len[1] & 0xffL) << 8 | (len[2] & 0xffL) << 16 | (len[3] & 0xffL) << 24;
            preamble = 12;
        } else {
            throw new ArchiveException(file, "unsupported .npy format version " + major + "." + minor);
        }
        if (headerLength > available - preamble) {
            throw new ArchiveException(file, "header length " + headerLength + " exceeds the file size " + available);
        }
        if (headerLength > MAX_HEADER) {
            throw new ArchiveException(file, "header length " + headerLength + " exceeds the limit of " + MAX_HEADER + " bytes");
        }
        byte[] raw = src.read(preamble, (int) headerLength);
        // Versions 1 and 2 store the header as latin1; version 3 exists to allow utf8 (field names).
        String text = new String(raw, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return fromDict(text, preamble + headerLength, available, file);
    }

    private static NpyHeader fromDict(String text, long dataOffset, long available, String file) throws ArchiveException {
        Object parsed;
        try {
            parsed = PyLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ArchiveException(file, "malformed .npy header: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> dict)) throw new ArchiveException(file, "malformed .npy header: not a dict");
        if (!dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
            throw new ArchiveException(file, "malformed .npy header: keys " + dict.keySet()
                    + ", expected descr, fortran_order and shape");
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String d)) {
            throw new ArchiveException(file, "structured arrays (dtype " + descr + ") cannot be compared");
        }
        NpyDtype type = NpyDtype.parse(d, file);
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new ArchiveException(file, "malformed .npy header: fortran_order is not True or False");
        }
        long[] shape = shape(dict.get("shape"), file);
        NpyHeader h = new NpyHeader(type, shape, fortran, dataOffset, 0);
        long byteSize = ShapeChecks.byteSize(h.logicalShape(), type.dtype().byteSize(), file);
        if (byteSize > available - dataOffset) {
            throw new ArchiveException(file, "shape " + Shapes.format(shape) + " of " + d + " needs " + byteSize
                    + " data bytes but only " + (available - dataOffset) + " follow the header (truncated?)");
        }
        return new NpyHeader(type, shape, fortran, dataOffset, byteSize);
    }

    private static long[] shape(Object value, String file) throws ArchiveException {
        if (!(value instanceof List<?> dims)) throw new ArchiveException(file, "malformed .npy header: shape is not a tuple");
        if (dims.size() > MAX_RANK) throw new ArchiveException(file, "shape has " + dims.size() + " dimensions, more than " + MAX_RANK);
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof BigInteger b)) throw new ArchiveException(file, "malformed .npy header: shape " + dims + " holds a non-integer");
            if (b.bitLength() > 63) throw new ArchiveException(file, "shape " + dims + " overflows");
            shape[i] = b.longValue();
        }
        return shape;
    }
}
