package dev.layerdiff.archive;

import dev.layerdiff.archive.dir.DirectoryReader;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.archive.npy.NpyHeader;
import dev.layerdiff.archive.npy.NpyReader;
import dev.layerdiff.archive.npy.NpzReader;
import dev.layerdiff.archive.safetensors.SafetensorsReader;
import dev.layerdiff.archive.torch.TorchReader;
import dev.layerdiff.archive.zip.ZipDirectory;
import dev.layerdiff.archive.zip.ZipMember;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Opens any supported dump. The format is decided by content (magic bytes), the extension serving only
 * to pick the reader whose error explains a damaged file best.
 */
public final class Archives {
    private Archives() {}

    /**
     * Opens a directory of per-tensor files, a .npy, .npz, .safetensors or torch.save (zip) file.
     *
     * @throws ArchiveException if the file is missing, empty, of an unknown or unsupported format, or
     *     malformed; the message names the file and the problem
     */
    public static Archive open(Path path) throws IOException {
        String name = path.toString();
        if (!Files.exists(path)) throw new ArchiveException(name, "no such file or directory");
        if (Files.isDirectory(path)) return DirectoryReader.open(path);
        if (!Files.isRegularFile(path)) throw new ArchiveException(name, "not a regular file");
        if (!Files.isReadable(path)) throw new ArchiveException(name, "not readable");
        long size = Files.size(path);
        if (size == 0) throw new ArchiveException(name, "empty file");
        byte[] head = head(path);
        String ext = extension(path);
        if (NpyHeader.hasMagic(head)) return NpyReader.open(path);
        if (startsWith(head, 'P', 'K', 3, 4) || startsWith(head, 'P', 'K', 5, 6)) return openZip(path);
        if (looksLikeSafetensors(head)) return SafetensorsReader.open(path);
        if ((head[0] & 0xff) == 0x80) {
            throw new ArchiveException(name, "a bare pickle: this is torch.save's legacy (pre-1.6) format, which cannot be read"
                    + " safely; re-save it with torch.save in PyTorch 1.6 or later (zip format, the default)");
        }
        switch (ext) { // unrecognised content: let the reader for the extension explain what is wrong
            case "npy": return NpyReader.open(path);
            case "safetensors": return SafetensorsReader.open(path);
            case "npz": case "pt": case "pth": return openZip(path);
            default:
        }
        throw new ArchiveException(name, "unknown format: not .npy, .npz, .safetensors or a torch.save zip (first bytes "
                + hex(head) + ")");
    }

    private static Archive openZip(Path path) throws IOException {
        MappedFile file = MappedFile.open(path);
        try {
            List<ZipMember> members = ZipDirectory.read(file);
            if (members.isEmpty()) throw new ArchiveException(file.name(), "empty zip archive");
            if (TorchReader.findPickle(members) != null) return TorchReader.open(path, file, members);
            return NpzReader.open(path, file, members);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Safetensors has no magic: a little-endian u64 header length, then the JSON header's '{'. */
    private static boolean looksLikeSafetensors(byte[] head) {
        return head.length >= 9 && head[8] == '{';
    }

    private static byte[] head(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(16);
        }
    }

    private static boolean startsWith(byte[] head, int... prefix) {
        if (head.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if ((head[i] & 0xff) != prefix[i]) return false;
        return true;
    }

    private static String extension(Path path) {
        String n = path.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String hex(byte[] head) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, head.length); i++) sb.append(String.format("%02x", head[i] & 0xff));
        return sb.toString();
    }
}
