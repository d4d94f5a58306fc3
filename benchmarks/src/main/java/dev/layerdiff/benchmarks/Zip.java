package dev.layerdiff.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A minimal writer of zip files with stored (uncompressed) members, as np.savez and torch.save write
 * them, with zip64 records once offsets pass 4 GiB. Members must be smaller than 4 GiB.
 */
final class Zip {
    private Zip() {}

    interface Content {
        void write(FileChannel ch) throws IOException;
    }

    record Member(String name, Content content) {}

    private record Written(String name, long offset, long size, long crc) {}

    static void writeStored(Path p, List<Member> members) throws IOException {
        List<Written> written = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Member m : members) {
                byte[] name = m.name().getBytes(StandardCharsets.UTF_8);
                long offset = ch.position();
                ch.write(localHeader(name, 0, 0));
                long start = ch.position();
                m.content().write(ch);
                long end = ch.position();
                long crc = crc(ch, start, end);
                ch.write(localHeader(name, end - start, crc), offset);
                ch.position(end);
                written.add(new Written(m.name(), offset, end - start, crc));
            }
            long cdStart = ch.position();
            for (Written w : written) ch.write(centralHeader(w));
            long cdEnd = ch.position();
            boolean zip64 = cdEnd >= 0xFFFFFFFFL;
            if (zip64) {
                ByteBuffer e = le(56 + 20);
                e.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                        .putLong(written.size()).putLong(written.size()).putLong(cdEnd - cdStart).putLong(cdStart);
                e.putInt(0x07064b50).putInt(0).putLong(cdEnd).putInt(1);
                ch.write(e.flip());
            }
            ByteBuffer eocd = le(22);
            int count = Math.min(written.size(), 0xFFFF);
            eocd.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count).putShort((short) count)
                    .putInt((int) Math.min(cdEnd - cdStart, 0xFFFFFFFFL)).putInt((int) Math.min(cdStart, 0xFFFFFFFFL)).putShort((short) 0);
            ch.write(eocd.flip());
        }
    }

    private static ByteBuffer localHeader(byte[] name, long size, long crc) {
        ByteBuffer b = le(30 + name.length);
        b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0x21)
                .putInt((int) crc).putInt((int) size).putInt((int) size).putShort((short) name.length).putShort((short) 0).put(name);
        return b.flip();
    }

    private static ByteBuffer centralHeader(Written w) {
        byte[] name = w.name().getBytes(StandardCharsets.UTF_8);
        boolean far = w.offset() >= 0xFFFFFFFFL;
        ByteBuffer b = le(46 + name.length + (far ? 12 : 0));
        b.putInt(0x02014b50).putShort((short) 45).putShort((short) (far ? 45 : 20)).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0x21).putInt((int) w.crc()).putInt((int) w.size()).putInt((int) w.size())
                .putShort((short) name.length).putShort((short) (far ? 12 : 0)).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putInt(0).putInt(far ? -1 : (int) w.offset()).put(name);
        if (far) b.putShort((short) 1).putShort((short) 8).putLong(w.offset());
        return b.flip();
    }

    private static long crc(FileChannel ch, long start, long end) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22);
        for (long pos = start; pos < end; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int n = ch.read(buf, pos);
            buf.flip();
            crc.update(buf);
            pos += n;
        }
        return crc.getValue();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
