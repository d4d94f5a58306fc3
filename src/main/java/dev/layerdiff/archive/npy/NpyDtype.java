package dev.layerdiff.archive.npy;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.tensor.DType;
import java.nio.ByteOrder;

/**
 * A NumPy array-protocol type string such as {@code <f4} or {@code |b1}, mapped to a {@link DType}.
 * Complex types map to their real component type; {@link #complex} tells the reader to add a trailing
 * dimension of 2.
 *
 * @param dtype   element type as the engine sees it
 * @param order   byte order ({@code =} is taken as little-endian: every platform NumPy writes on is)
 * @param complex whether each stored element is a (real, imaginary) pair
 */
public record NpyDtype(DType dtype, ByteOrder order, boolean complex) {

    /** A well-formed array of a kind that holds no numbers to compare: the rest of an .npz is still read. */
    public static final class Uncomparable extends ArchiveException {
        private final String reason;

        Uncomparable(String file, String reason) {
            super(file, reason);
            this.reason = reason;
        }

        /** Why, without the file's name. */
        public String reason() { return reason; }
    }

    /** Maps {@code descr}, or throws naming it if the engine cannot compare it. */
    public static NpyDtype parse(String descr, String file) throws ArchiveException {
        if (descr.length() < 2 || "<>|=".indexOf(descr.charAt(0)) < 0) {
            throw new ArchiveException(file, "unknown dtype '" + descr + "'");
        }
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = descr.charAt(1);
        String sizeText = descr.substring(2);
        switch (kind) {
            case 'O': throw new Uncomparable(file, "object arrays (dtype '" + descr + "') cannot be compared");
            case 'U': case 'S': case 'a':
                throw new Uncomparable(file, "string arrays (dtype '" + descr + "') cannot be compared");
            case 'M': case 'm':
                throw new Uncomparable(file, "datetime arrays (dtype '" + descr + "') cannot be compared");
            case 'V':
                throw new Uncomparable(file, "structured or void arrays (dtype '" + descr + "') cannot be compared");
            default:
        }
        int size = sizeText.matches("[0-9]{1,3}") ? Integer.parseInt(sizeText) : -1;
        String code = kind + Integer.toString(size);
        switch (code) {
            case "f2": return new NpyDtype(DType.FLOAT16, order, false);
            case "f4": return new NpyDtype(DType.FLOAT32, order, false);
            case "f8": return new NpyDtype(DType.FLOAT64, order, false);
            case "i1": return new NpyDtype(DType.INT8, order, false);
            case "i2": return new NpyDtype(DType.INT16, order, false);
            case "i4": return new NpyDtype(DType.INT32, order, false);
            case "i8": return new NpyDtype(DType.INT64, order, false);
            case "u1": return new NpyDtype(DType.UINT8, order, false);
            case "u2": return new NpyDtype(DType.UINT16, order, false);
            case "u4": return new NpyDtype(DType.UINT32, order, false);
            case "u8": return new NpyDtype(DType.UINT64, order, false);
            case "b1": return new NpyDtype(DType.BOOL, order, false);
            case "c8": return new NpyDtype(DType.FLOAT32, order, true);
            case "c16": return new NpyDtype(DType.FLOAT64, order, true);
            case "f12": case "f16": case "c24": case "c32":
                throw new ArchiveException(file, "extended-precision arrays (dtype '" + descr
                        + "', long double) are not supported; convert them to float64");
            default: throw new ArchiveException(file, "unknown dtype '" + descr + "'");
        }
    }
}
