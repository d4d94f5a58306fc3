package dev.layerdiff.capture;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;

/**
 * Makes the libraries that the JavaCPP presets bundle the ones the dynamic linker resolves, whatever the
 * system and {@code LD_LIBRARY_PATH} hold (issue 27). Left to itself, JavaCPP unpacks and loads one library
 * at a time, libtorch.so before libtorch_cpu.so is unpacked, so ld.so looks for libtorch_cpu.so on its own:
 * {@code LD_LIBRARY_PATH} first (a PyTorch install's torch/lib), then the bundled RUNPATH, then the system
 * (Debian's python3-torch puts libtorch 1.13 in /lib/x86_64-linux-gnu). A foreign libtorch_cpu.so in the
 * process kills it in native code. So: unpack every bundled library first, then load each by its absolute
 * path in dependency order (read from the ELF files' DT_NEEDED entries): a library's dependencies are then
 * already in the process under their sonames, and ld.so takes those without searching.
 */
final class BundledLibraries {
    private static final int SHT_DYNAMIC = 6;
    private static final long DT_NULL = 0, DT_NEEDED = 1, DT_SONAME = 14;

    private BundledLibraries() {}

    /**
     * Unpacks the native directories of the given presets ({@code org/bytedeco/NAME/PLATFORM}) into the
     * JavaCPP cache and loads their non-JNI libraries in dependency order. Libraries whose soname the
     * process has already mapped (the C and C++ runtimes the JVM itself uses) are left to that copy.
     */
    static void preload(Class<?> anchor, String... presets) throws IOException {
        Set<String> loaded = loadedFileNames();
        Map<String, Library> bySoname = new LinkedHashMap<>();
        for (String preset : presets) {
            for (File dir : Loader.cacheResources(anchor, "/org/bytedeco/" + preset + "/" + Loader.getPlatform() + "/")) {
                try (Stream<Path> files = Files.list(dir.toPath())) {
                    for (Path f : files.sorted().toList()) {
                        String name = f.getFileName().toString();
                        // Links are JavaCPP's own aliases (or system libraries it found): the files are what the jar holds.
                        if (!name.contains(".so") || name.startsWith("libjni") || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                            continue;
                        }
                        Library lib = Library.read(f);
                        if (lib != null) bySoname.putIfAbsent(lib.soname(), lib);
                    }
                }
            }
        }
        Set<String> done = new HashSet<>();
        for (Library lib : bySoname.values()) load(lib, bySoname, loaded, done, new HashSet<>());
    }

    /** Loads {@code lib} after the bundled libraries it needs; a cycle is broken where it closes. */
    private static void load(Library lib, Map<String, Library> bySoname, Set<String> loaded, Set<String> done,
                             Set<String> visiting) {
        if (done.contains(lib.soname()) || !visiting.add(lib.soname())) return;
        for (String need : lib.needed()) {
            Library dep = bySoname.get(need);
            if (dep != null) load(dep, bySoname, loaded, done, visiting);
        }
        if (!loaded.contains(lib.soname())) System.load(lib.path().toAbsolutePath().toString());
        done.add(lib.soname());
    }

    /**
     * The file names of the shared objects loaded in this process: those with an executable mapping
     * (Linux's /proc/self/maps; empty elsewhere). A file merely mapped for reading is not loaded.
     */
    private static Set<String> loadedFileNames() {
        Set<String> names = new HashSet<>();
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) return names;
        try (Stream<String> lines = Files.lines(maps)) {
            lines.forEach(line -> {
                // address perms offset dev inode path: "7f..-7f.. r-xp 00000000 08:01 1234 /lib/libc.so.6"
                String[] f = line.trim().split("\\s+", 6);
                if (f.length == 6 && f[1].indexOf('x') >= 0 && f[5].startsWith("/")) {
                    names.add(f[5].substring(f[5].lastIndexOf('/') + 1));
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return names;
        }
        return names;
    }

    /**
     * A shared object's soname (its file name where it has none) and the sonames it needs, from its
     * section headers: the SHT_DYNAMIC section's DT_SONAME and DT_NEEDED entries, whose strings lie in the
     * section it links to. A file that is not a 64-bit little-endian ELF file is none (null); a malformed
     * one needs nothing, so it is loaded in no particular order, as JavaCPP alone would.
     */
    record Library(Path path, String soname, List<String> needed) {
        static Library read(Path path) throws IOException {
            String name = path.getFileName().toString();
            try (FileChannel ch = FileChannel.open(path)) {
                MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
                return parse(path, name, map.order(ByteOrder.LITTLE_ENDIAN));
            } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
                return new Library(path, name, List.of());
            }
        }

        private static Library parse(Path path, String name, ByteBuffer b) {
            boolean elf64le = b.limit() > 64 && b.getInt(0) == 0x464c457f && b.get(4) == 2 && b.get(5) == 1;
            if (!elf64le) return null;
            long shoff = b.getLong(0x28);
            int shentsize = Short.toUnsignedInt(b.getShort(0x3a)), shnum = Short.toUnsignedInt(b.getShort(0x3c));
            for (int i = 0; i < shnum; i++) {
                int sh = Math.toIntExact(shoff + (long) i * shentsize);
                if (b.getInt(sh + 4) != SHT_DYNAMIC) continue;
                int offset = Math.toIntExact(b.getLong(sh + 0x18)), size = Math.toIntExact(b.getLong(sh + 0x20));
                int strtab = Math.toIntExact(shoff + (long) b.getInt(sh + 0x28) * shentsize);
                int strings = Math.toIntExact(b.getLong(strtab + 0x18));
                String soname = name;
                List<String> needed = new ArrayList<>();
                for (int e = offset; e + 16 <= offset + size; e += 16) {
                    long tag = b.getLong(e);
                    if (tag == DT_NULL) break;
                    if (tag == DT_NEEDED) needed.add(string(b, strings + Math.toIntExact(b.getLong(e + 8))));
                    if (tag == DT_SONAME) soname = string(b, strings + Math.toIntExact(b.getLong(e + 8)));
                }
                return new Library(path, soname, needed);
            }
            return new Library(path, name, List.of());
        }

        private static String string(ByteBuffer b, int at) {
            int end = at;
            while (b.get(end) != 0) end++;
            byte[] s = new byte[end - at];
            b.get(at, s);
            return new String(s, StandardCharsets.UTF_8);
        }
    }
}
