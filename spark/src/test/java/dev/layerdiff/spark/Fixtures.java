package dev.layerdiff.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** The dumps the tests compare (copies of the core's PyTorch fixtures), and files made from them. */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    static Path path(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String abs(String name) {
        return path(name).toString();
    }

    /** The same npz with every member deflated, as {@code numpy.savez_compressed} writes: read in order only. */
    static Path deflatedCopy(String npz, Path target) throws IOException {
        try (ZipFile in = new ZipFile(path(npz).toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            out.setMethod(ZipOutputStream.DEFLATED);
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
                ZipEntry member = e.nextElement();
                out.putNextEntry(new ZipEntry(member.getName()));
                try (InputStream data = in.getInputStream(member)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return target;
    }

    /** The first {@code bytes} bytes of a fixture: a truncated dump. */
    static Path truncatedCopy(String name, int bytes, Path target) throws IOException {
        byte[] all = Files.readAllBytes(path(name));
        Files.write(target, java.util.Arrays.copyOf(all, bytes));
        return target;
    }

    /** One manifest line. */
    static String entry(String reference, String candidate, Map<String, ?> labels) {
        ObjectNode line = JSON.createObjectNode();
        line.put("reference", reference);
        line.put("candidate", candidate);
        line.set("labels", JSON.valueToTree(labels));
        return line.toString();
    }

    static Path manifest(Path file, List<String> entries) throws IOException {
        Files.write(file, entries);
        return file;
    }

    static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }
}
