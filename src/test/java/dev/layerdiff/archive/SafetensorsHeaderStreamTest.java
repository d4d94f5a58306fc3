package dev.layerdiff.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors header is read entry by entry as it streams past: every irregular entry is reported
 * in the words the reader used when it read the whole header as one tree (these messages were recorded
 * from that reader), and fields it does not know are skipped.
 */
class SafetensorsHeaderStreamTest {
    @TempDir
    Path tmp;

    private String failure(String header) throws IOException {
        Path p = TestFiles.safetensors(tmp.resolve("h" + header.hashCode() + ".safetensors"), header, new byte[64]);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Archives.open(p).close());
        assertThat(t).isInstanceOf(ArchiveException.class);
        return t.getMessage().substring(p.toString().length() + 2);
    }

    private static String entry(String dtype, String shape, String offsets) {
        return "{\"a\":{\"dtype\":" + dtype + ",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
    }

    @Test
    void listsThatAreNotPlainIntegersAreQuotedAsJson() throws IOException {
        assertThat(failure(entry("\"F32\"", "[4,2.5]", "[0,16]")))
                .isEqualTo("tensor a: shape [4,2.5] overflows or holds a non-integer");
        assertThat(failure(entry("\"F32\"", "[4,\"x\",[1,{\"k\":null}]]", "[0,16]")))
                .isEqualTo("tensor a: shape [4,\"x\",[1,{\"k\":null}]] overflows or holds a non-integer");
        assertThat(failure(entry("\"F32\"", "[4]", "[0,18446744073709551616]")))
                .isEqualTo("tensor a: data_offsets [0,18446744073709551616] overflows or holds a non-integer");
        String many = "[" + "1,".repeat(64) + "1]";
        assertThat(failure(entry("\"F32\"", many, "[0,4]"))).isEqualTo("tensor a: shape has 65 entries, more than 64");
        assertThat(failure(entry("\"F32\"", "4", "[0,16]"))).isEqualTo("tensor a: shape is missing or not a list");
        assertThat(failure(entry("\"F32\"", "{\"n\":4}", "[0,16]"))).isEqualTo("tensor a: shape is missing or not a list");
        assertThat(failure(entry("\"F32\"", "[4]", "[0,16,32]"))).isEqualTo("tensor a: data_offsets must hold two numbers");
    }

    @Test
    void missingPartsAndEntriesThatAreNotObjects() throws IOException {
        assertThat(failure("{\"a\":{\"shape\":[4],\"data_offsets\":[0,16]}}")).isEqualTo("tensor a: dtype is missing");
        assertThat(failure(entry("5", "[4]", "[0,16]"))).isEqualTo("tensor a: dtype is missing");
        assertThat(failure("{\"a\":{\"dtype\":\"F32\",\"shape\":[4]}}")).isEqualTo("tensor a: data_offsets is missing or not a list");
        assertThat(failure("{\"a\":[1,2]}")).isEqualTo("tensor a: entry is not a JSON object");
        assertThat(failure("{\"a\":null}")).isEqualTo("tensor a: entry is not a JSON object");
        assertThat(failure("[1]")).isEqualTo("malformed header: not a JSON object");
        assertThat(failure("   ")).isEqualTo("malformed header: not a JSON object");
        assertThat(failure("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,16]}}"))
                .startsWith("malformed JSON header: Duplicate field 'dtype'");
    }

    @Test
    void unknownFieldsAreSkippedWhateverTheyHold() throws IOException {
        String header = "{\"b\":{\"note\":{\"deep\":[1,[2,{\"x\":\"y\"}]]},\"dtype\":\"F16\",\"extra\":[1.5],"
                + "\"data_offsets\":[16,24],\"shape\":[2,2]},\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}";
        Path p = TestFiles.safetensors(tmp.resolve("ok.safetensors"), header, new byte[24]);
        try (Archive a = Archives.open(p)) {
            List<TensorEntry> t = a.tensors();
            assertThat(t).extracting(TensorEntry::name).containsExactly("a", "b");
            assertThat(t.get(1).dtype()).isEqualTo(DType.FLOAT16);
            assertThat(t.get(1).shape()).containsExactly(2, 2);
            assertThat(a.metadata()).containsEntry("format", "pt");
        }
        assertThatThrownBy(() -> Archives.open(TestFiles.safetensors(tmp.resolve("t.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"x\":[1,", new byte[16])).close())
                .hasMessageContaining("malformed JSON header");
    }
}
