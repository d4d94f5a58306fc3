package dev.layerdiff.archive.zip;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.io.MappedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A minimal zip central-directory reader (EOCD, zip64 EOCD and extra fields, local headers).
 * {@link java.util.zip.ZipFile} hides where member data starts, and in-place mapping needs exactly
 * that. Every offset and size is checked against the file before it is followed.
 */
public final class ZipDirectory {
    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int EOCD_SIZE = 22;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIZE = 30;
    private static final long MAX_CENTRAL = 64L << 20;

    private ZipDirectory() {}

    /** Builds an archive from an opened zip, taking ownership of the file (closing it if it fails). */
    @FunctionalInterface
    public interface Reader {
        Archive read(Path path, MappedFile file, List<ZipMember> members) throws IOException;
    }

    /** True if {@code head} starts as a zip does: a local header, or the end record of an empty zip. */
    public static boolean hasMagic(byte[] head) {
        if (head.length < 4) return false;
        int sig = ByteBuffer.wrap(head, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return sig == LOCAL_SIG || sig == EOCD_SIG;
    }

    /** Maps {@code path}, reads its members and hands them to {@code reader}. */
    public static Archive open(Path path, Reader reader) throws IOException {
        MappedFile file = MappedFile.open(path);
        List<ZipMember> members;
        try {
            members = read(file);
            if (members.isEmpty()) throw new ArchiveException(file.name(), "empty zip archive");
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        return reader.read(path, file, members);
    }

    /** The members in central-directory order. */
    public static List<ZipMember> read(MappedFile file) throws IOException {
        String name = file.name();
        long size = file.size();
        if (size < EOCD_SIZE) throw new ArchiveException(name, "truncated zip: " + size + " bytes, too short for an end-of-central-directory record");
        int tailLength = (int) Math.min(size, EOCD_SIZE + 0xffff);
        long tailStart = size - tailLength;
        ByteBuffer tail = le(file.bytes(tailStart, tailLength));
        int eocd = -1;
        for (int i = tailLength - EOCD_SIZE; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIG && i + EOCD_SIZE + (tail.getShort(i + 20) & 0xffff) <= tailLength) { eocd = i; break; }
        }
        if (eocd < 0) throw new ArchiveException(name, "no zip end-of-central-directory record (truncated or not a zip)");
        long eocdPos = tailStart + eocd;
        if ((tail.getShort(eocd + 4) & 0xffff) != 0 || (tail.getShort(eocd + 6) & 0xffff) != 0) {
            throw new ArchiveException(name, "multi-disk zip archives are not supported");
        }
        long entries = tail.getShort(eocd + 10) & 0xffff;
        long cdSize = tail.getInt(eocd + 12) & 0xffffffffL;
        long cdOffset = tail.getInt(eocd + 16) & 0xffffffffL;
        long cdLimit = eocdPos;
        if (entries == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            long[] z = zip64(file, eocdPos);
            entries = z[0];
            cdSize = z[1];
            cdOffset = z[2];
            cdLimit = z[3];
        }
        if (cdOffset > cdLimit || cdSize > cdLimit - cdOffset) {
            throw new ArchiveException(name, "the zip central directory [" + cdOffset + ", " + (cdOffset + cdSize)
                    + ") points past the end of the file (" + cdLimit + " bytes before the directory end record)");
        }
        if (cdSize > MAX_CENTRAL) throw new ArchiveException(name, "zip central directory of " + cdSize + " bytes exceeds the limit of " + MAX_CENTRAL);
        if (entries > cdSize / CENTRAL_SIZE) {
            throw new ArchiveException(name, "zip claims " + entries + " members, more than its " + cdSize + "-byte central directory can hold");
        }
        ByteBuffer cd = le(file.bytes(cdOffset, (int) cdSize));
        List<ZipMember> members = new ArrayList<>((int) entries);
        Set<String> names = new HashSet<>();
        int p = 0;
        for (long i = 0; i < entries; i++) {
            ZipMember m = central(file, cd, p, cdOffset);
            if (!names.add(m.name())) throw new ArchiveException(name, "zip holds member " + m.name() + " twice");
            members.add(m);
            p += CENTRAL_SIZE + (cd.getShort(p + 28) & 0xffff) + (cd.getShort(p + 30) & 0xffff) + (cd.getShort(p + 32) & 0xffff);
        }
        return Collections.unmodifiableList(members);
    }

    /** Returns {entries, cdSize, cdOffset, limit} from the zip64 end record. */
    private static long[] zip64(MappedFile file, long eocdPos) throws IOException {
        String name = file.name();
        if (eocdPos < 20) throw new ArchiveException(name, "zip64 sizes are flagged but the zip64 locator is missing");
        ByteBuffer loc = le(file.bytes(eocdPos - 20, 20));
        if (loc.getInt(0) != ZIP64_LOCATOR_SIG) throw new ArchiveException(name, "zip64 sizes are flagged but the zip64 locator is missing");
        long recordPos = loc.getLong(8);
        if (recordPos < 0 || recordPos > eocdPos - 20 - 56) {
            throw new ArchiveException(name, "zip64 end record offset " + recordPos + " points past the end of the file");
        }
        ByteBuffer rec = le(file.bytes(recordPos, 56));
        if (rec.getInt(0) != ZIP64_EOCD_SIG) throw new ArchiveException(name, "zip64 end record not found at offset " + recordPos);
        long entries = rec.getLong(32);
        long cdSize = rec.getLong(40);
        long cdOffset = rec.getLong(48);
        if (entries < 0 || cdSize < 0 || cdOffset < 0) throw new ArchiveException(name, "zip64 end record holds negative sizes");
        return new long[] {entries, cdSize, cdOffset, recordPos};
    }

    private static ZipMember central(MappedFile file, ByteBuffer cd, int p, long cdOffset) throws IOException {
        String fname = file.name();
        if (p > cd.limit() - CENTRAL_SIZE || cd.getInt(p) != CENTRAL_SIG) {
            throw new ArchiveException(fname, "corrupt zip central directory at offset " + (cdOffset + p));
        }
        int flags = cd.getShort(p + 8) & 0xffff;
        int method = cd.getShort(p + 10) & 0xffff;
        long compressed = cd.getInt(p + 20) & 0xffffffffL;
        long size = cd.getInt(p + 24) & 0xffffffffL;
        int nameLen = cd.getShort(p + 28) & 0xffff;
        int extraLen = cd.getShort(p + 30) & 0xffff;
        int commentLen = cd.getShort(p + 32) & 0xffff;
        long localOffset = cd.getInt(p + 42) & 0xffffffffL;
        if ((long) p + CENTRAL_SIZE + nameLen + extraLen + commentLen > cd.limit()) {
            throw new ArchiveException(fname, "corrupt zip central directory: entry at offset " + (cdOffset + p) + " overruns it");
        }
        byte[] nameBytes = new byte[nameLen];
        cd.get(p + CENTRAL_SIZE, nameBytes);
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        if ((flags & 1) != 0) throw new ArchiveException(fname, "zip member " + name + " is encrypted");
        // Zip64 extra field: the 8-byte values appear only for the fields whose 32-bit slot is all ones.
        int e = p + CENTRAL_SIZE + nameLen;
        int end = e + extraLen;
        while (e + 4 <= end) {
            int id = cd.getShort(e) & 0xffff;
            int len = cd.getShort(e + 2) & 0xffff;
            if (e + 4 + len > end) throw new ArchiveException(fname, "zip member " + name + ": corrupt extra field");
            if (id == 1) {
                int q = e + 4;
                if (size == 0xffffffffL) { size = need(cd, q, e + 4 + len, fname, name); q += 8; }
                if (compressed == 0xffffffffL) { compressed = need(cd, q, e + 4 + len, fname, name); q += 8; }
                if (localOffset == 0xffffffffL) { localOffset = need(cd, q, e + 4 + len, fname, name); }
            }
            e += 4 + len;
        }
        if (size < 0 || compressed < 0 || localOffset < 0) throw new ArchiveException(fname, "zip member " + name + ": negative size or offset");
        long dataOffset = local(file, name, localOffset, cdOffset);
        if (compressed > cdOffset - dataOffset) {
            throw new ArchiveException(fname, "zip member " + name + ": data [" + dataOffset + ", " + (dataOffset + compressed)
                    + ") exceeds the file size " + file.size() + " (truncated?)");
        }
        if (method == ZipMember.STORED && compressed != size) {
            throw new ArchiveException(fname, "zip member " + name + " is stored but declares " + compressed
                    + " stored and " + size + " uncompressed bytes");
        }
        return new ZipMember(name, method, compressed, size, dataOffset);
    }

    private static long need(ByteBuffer cd, int q, int end, String fname, String member) throws ArchiveException {
        if (q + 8 > end) throw new ArchiveException(fname, "zip member " + member + ": zip64 extra field too short");
        return cd.getLong(q);
    }

    private static long local(MappedFile file, String member, long offset, long limit) throws IOException {
        if (offset > limit - LOCAL_SIZE) {
            throw new ArchiveException(file.name(), "zip member " + member + ": local header offset " + offset + " exceeds the file size " + file.size());
        }
        ByteBuffer h = le(file.bytes(offset, LOCAL_SIZE));
        if (h.getInt(0) != LOCAL_SIG) throw new ArchiveException(file.name(), "zip member " + member + ": no local header at offset " + offset);
        long data = offset + LOCAL_SIZE + (h.getShort(26) & 0xffff) + (h.getShort(28) & 0xffff);
        if (data > limit) throw new ArchiveException(file.name(), "zip member " + member + ": local header overruns the file");
        return data;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
