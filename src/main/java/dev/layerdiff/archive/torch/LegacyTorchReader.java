package dev.layerdiff.archive.torch;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.torch.PickleValues.StorageRef;
import dev.layerdiff.archive.zip.ZipMember;
import dev.layerdiff.io.MappedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads torch.save's legacy format: every file from before PyTorch 1.6, and those written since with
 * {@code _use_new_zipfile_serialization=False}. The file is five pickles, then the storages: the magic
 * number 0x1950a86a20f9469cfc6c; the protocol version 1001; a dict of system facts (byte order, C type
 * sizes); the object, whose storages are persistent ids {@code ('storage', type, key, location, numel,
 * None)}; and the list of storage keys in the order their bytes follow. Each storage is its element count
 * (8 bytes, little-endian), then its elements (in the byte order the system facts state). The same restricted {@link PickleMachine} reads
 * every pickle, so nothing is executed, and the storages are mapped in place, as a zip's are.
 */
final class LegacyTorchReader {
    /** The first pickle of every legacy file: PROTO 2, LONG1 of 10 bytes (the magic number), STOP. */
    static final byte[] MAGIC = {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20,
        0x6a, (byte) 0xa8, 0x50, 0x19, 0x2e};
    private static final long PROTOCOL_VERSION = 1001;
    /** The pickles are read from a prefix of the file this long at first, doubled while they run past it. */
    private static final int FIRST_READ = 1 << 20;

    private LegacyTorchReader() {}

    /** Whether {@code head} (the file's first bytes) starts with the legacy magic number. */
    static boolean hasMagic(byte[] head) {
        return head.length >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** Opens a legacy file; takes ownership of {@code file}. */
    static Archive open(Path path, MappedFile file) throws IOException {
        try {
            int limit = (int) Math.min(file.size(), Math.min(MappedFile.MAX_READ, TorchReader.MAX_PICKLE));
            for (int read = (int) Math.min(file.size(), FIRST_READ); ; read = (int) Math.min(limit, 2L * read)) {
                byte[] head = file.bytes(0, read);
                try {
                    return read(path, file, head);
                } catch (PickleMachine.Truncated e) {
                    if (read >= limit) {
                        throw read < file.size() ? new ArchiveException(file.name(), "the legacy torch.save pickles run past "
                                + limit + " bytes, more than a tensor dump's index needs; refusing them") : e;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static Archive read(Path path, MappedFile file, byte[] head) throws IOException {
        String name = file.name();
        if (!hasMagic(head)) throw new ArchiveException(name, "not torch.save's legacy format: no magic number");
        int at = MAGIC.length;
        PickleMachine.Loaded version = PickleMachine.load(head, at, name);
        if (!(version.value() instanceof Long v) || v != PROTOCOL_VERSION) {
            throw new ArchiveException(name, "legacy torch.save protocol version " + PickleValues.describe(version.value())
                    + ", expected " + PROTOCOL_VERSION);
        }
        PickleMachine.Loaded system = PickleMachine.load(head, version.end(), name);
        ByteOrder order = byteOrder(name, system.value());
        PickleMachine.Loaded object = PickleMachine.load(head, system.end(), name);
        PickleMachine.Loaded keys = PickleMachine.load(head, object.end(), name);
        if (!(keys.value() instanceof List<?> list)) throw new ArchiveException(name, "the legacy storage keys are not a list");
        Map<String, ZipMember> storages = storages(file, list, object.storages(), keys.end(), order);
        return TorchReader.archive(path, file, object.value(), new StorageViews(file, storages, "", order), keys.end());
    }

    /** {@code little_endian} of the system facts; the C type sizes do not matter to typed storages. */
    private static ByteOrder byteOrder(String file, Object facts) throws ArchiveException {
        if (!(facts instanceof Map<?, ?> m) || !(m.get("little_endian") instanceof Boolean little)) {
            throw new ArchiveException(file, "the legacy system facts name no byte order (little_endian)");
        }
        return little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }

    /**
     * Where each storage's elements lie, walking the storages in the keys' order from {@code at}: each one's
     * element count must be the persistent id's, and its bytes must lie inside the file.
     */
    private static Map<String, ZipMember> storages(MappedFile file, List<?> keys, Map<String, StorageRef> refs, long at,
                                                   ByteOrder order) throws IOException {
        String name = file.name();
        Map<String, ZipMember> out = new HashMap<>();
        for (Object k : keys) {
            if (!(k instanceof String key)) throw new ArchiveException(name, "a legacy storage key is not a string: " + PickleValues.describe(k));
            StorageRef ref = refs.get(key);
            if (ref == null) throw new ArchiveException(name, "storage " + key + " is listed but no tensor refers to it");
            StorageTypes.Kind kind = StorageTypes.kind(ref.typeName());
            long item = (long) kind.dtype().byteSize() * (kind.complex() ? 2 : 1);
            file.checkRange(at, 8, "the element count of storage " + key);
            // torch writes the count little-endian whatever the machine (and the elements in its byte order).
            long numel = ByteBuffer.wrap(file.bytes(at, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (numel != ref.numel()) {
                throw new ArchiveException(name, "storage " + key + " holds " + numel + " elements at byte " + at + ", its tensors say " + ref.numel());
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(numel, item);
            } catch (ArithmeticException e) {
                throw new ArchiveException(name, "storage " + key + " of " + numel + " elements overflows");
            }
            if (numel < 0 || bytes > file.size() - at - 8) {
                throw new ArchiveException(name, "storage " + key + " of " + numel + " elements (" + bytes + " bytes) at byte " + (at + 8)
                        + " runs past the end of the file (" + file.size() + " bytes): truncated");
            }
            if (out.put("data/" + key, new ZipMember("data/" + key, ZipMember.STORED, bytes, bytes, at + 8)) != null) {
                throw new ArchiveException(name, "storage " + key + " is listed twice");
            }
            at += 8 + bytes;
        }
        for (String key : refs.keySet()) {
            if (!out.containsKey("data/" + key)) throw new ArchiveException(name, "storage " + key + " is used but its bytes are not listed");
        }
        return out;
    }
}
