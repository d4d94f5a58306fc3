package dev.layerdiff.archive.polygraphy;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.io.MappedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Standard base64 text (RFC 4648, padded, no line breaks: what Python's {@code base64.b64encode} writes)
 * lying between two quotes in a mapped file, decoded on demand. Four characters hold three bytes, so
 * any range of the decoded bytes is decoded from the characters of its groups alone: the text is never
 * decoded whole, and reads may come at any offset from any thread.
 */
final class Base64Text {
    /** Characters checked per read of the file at open. */
    private static final int SCAN = 1 << 22;
    /** Groups of 4 characters decoded per step of a read. */
    private static final int GROUPS = 1 << 18;
    private static final boolean[] ALPHABET = new boolean[256];

    static {
        for (char c = 'A'; c <= 'Z'; c++) ALPHABET[c] = true;
        for (char c = 'a'; c <= 'z'; c++) ALPHABET[c] = true;
        for (char c = '0'; c <= '9'; c++) ALPHABET[c] = true;
        ALPHABET['+'] = true;
        ALPHABET['/'] = true;
    }

    private final MappedFile file;
    private final long start;
    private final long size;

    private Base64Text(MappedFile file, long start, long size) {
        this.file = file;
        this.start = start;
        this.size = size;
    }

    /**
     * Checks the text whose opening quote is at {@code quote} character by character up to its closing
     * quote; {@code label} names it in errors.
     *
     * @throws ArchiveException if it holds anything but base64 or is cut short
     */
    static Base64Text locate(MappedFile file, long quote, String label) throws IOException {
        if (quote < 0 || quote >= file.size() || file.bytes(quote, 1)[0] != '"') {
            throw new ArchiveException(label, "cannot locate the array's text at byte " + quote);
        }
        long start = quote + 1;
        long pos = start;
        long padStart = -1;
        while (true) {
            if (pos >= file.size()) throw new ArchiveException(label, "the file ends inside the array's base64 text");
            byte[] b = file.bytes(pos, (int) Math.min(SCAN, file.size() - pos));
            for (int i = 0; i < b.length; i++, pos++) {
                int c = b[i] & 0xff;
                if (c == '"') return finish(file, start, pos - start, padStart < 0 ? 0 : pos - padStart, label);
                if (c == '=') {
                    if (padStart < 0) padStart = pos;
                    if (pos - padStart == 2) throw new ArchiveException(label, "more than two '=' of base64 padding at byte " + padStart);
                } else if (!ALPHABET[c]) {
                    throw new ArchiveException(label, problem(file, start, pos, c));
                } else if (padStart >= 0) {
                    throw new ArchiveException(label, "base64 padding '=' in the middle of the array's text at byte " + padStart);
                }
            }
        }
    }

    private static String problem(MappedFile file, long start, long pos, int c) throws IOException {
        // Early Polygraphy versions (0.29, for one) wrote an array's np.save or np.savez bytes as latin-1
        // text: JSON escapes "\u0093NUMPY" or "PK\u0003\u0004" where base64 has letters.
        String head = new String(file.bytes(start, (int) Math.min(8, file.size() - start)), StandardCharsets.US_ASCII);
        if (c == '\\' && (head.regionMatches(true, 0, "\\u0093", 0, 6) || head.regionMatches(true, 0, "PK\\u0003", 0, 8))) {
            return "the array is latin-1 text of " + (head.startsWith("PK") ? "np.savez" : "np.save") + " bytes, the encoding of early"
                    + " Polygraphy versions (0.29 wrote it), which layerdiff does not read; re-save it with a current Polygraphy (base64)";
        }
        String shown = c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
        return "invalid base64 character " + shown + " in the array's text at byte " + pos;
    }

    private static Base64Text finish(MappedFile file, long start, long chars, long padding, String label) throws ArchiveException {
        if (chars == 0) throw new ArchiveException(label, "the array's base64 text is empty");
        if (chars % 4 != 0) {
            throw new ArchiveException(label, "truncated base64: the array's text has " + chars + " characters, not a multiple of 4");
        }
        return new Base64Text(file, start, chars / 4 * 3 - padding);
    }

    /** Decoded byte count. */
    long size() { return size; }

    /** Decoded bytes {@code [offset, offset + length)}, which the caller has checked lie inside {@link #size()}. */
    byte[] decode(long offset, int length) throws IOException {
        byte[] out = new byte[length];
        long done = 0;
        while (done < length) {
            long at = offset + done;
            long group = at / 3;
            long lastGroup = (offset + length - 1) / 3;
            int groups = (int) Math.min(GROUPS, lastGroup - group + 1);
            byte[] text = file.bytes(start + group * 4, groups * 4);
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                // Checked at open: only a file changed since can get here.
                throw new ArchiveException(file.name(), "base64 text at byte " + (start + group * 4) + " no longer decodes: " + e.getMessage());
            }
            int skip = (int) (at - group * 3);
            int n = (int) Math.min(bytes.length - skip, length - done);
            System.arraycopy(bytes, skip, out, (int) done, n);
            done += n;
        }
        return out;
    }
}
