package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.stats.Histogram;
import dev.layerdiff.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The codes the native kernels and Java share are written once, in {@code layerdiff_codes.h}: this test
 * parses the header and fails when it and the Java side ({@link NativeCodes}, {@link BinCounts}) differ,
 * or when either has a code the other lacks.
 */
class NativeCodesTest {
    private static final Path HEADER = Path.of("src/main/native/include/layerdiff_codes.h");
    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(LD_\\w+)\\s+(\\S+)\\s*$");
    private static final Pattern NUMBER = Pattern.compile("\\(?(-?\\d+)\\)?");
    private static Map<String, Integer> header;

    @BeforeAll
    static void parse() throws IOException {
        header = new LinkedHashMap<>();
        for (String line : Files.readAllLines(HEADER)) {
            Matcher d = DEFINE.matcher(line.strip());
            if (!d.matches()) continue;
            Matcher v = NUMBER.matcher(d.group(2));
            assertThat(v.matches()).as(HEADER + ": " + d.group(1) + " must be a number, not " + d.group(2)).isTrue();
            header.put(d.group(1), Integer.parseInt(v.group(1)));
        }
    }

    @Test
    void everyDtypeHasItsCodeAndNoOther() {
        Map<String, Integer> java = Arrays.stream(DType.values())
                .collect(Collectors.toMap(t -> "LD_DT_" + t.name(), NativeCodes::dtype, (a, b) -> a, LinkedHashMap::new));
        Map<String, Integer> c = header.entrySet().stream().filter(e -> e.getKey().startsWith("LD_DT_"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        assertThat(c).isEqualTo(java);
        assertThat(java.values()).doesNotHaveDuplicates();
    }

    @Test
    void histogramCodesAgree() {
        Map<String, Integer> java = new LinkedHashMap<>();
        java.put("LD_BINS", Histogram.BINS);
        java.put("LD_MIN_EXPONENT", Histogram.MIN_EXPONENT);
        java.put("LD_NEGATIVE", BinCounts.NEGATIVE);
        java.put("LD_ZERO", BinCounts.ZERO);
        java.put("LD_NAN", BinCounts.NAN);
        java.put("LD_POS_INF", BinCounts.POS_INF);
        java.put("LD_NEG_INF", BinCounts.NEG_INF);
        java.put("LD_CODES", BinCounts.CODES);
        Map<String, Integer> c = header.entrySet().stream().filter(e -> !e.getKey().startsWith("LD_DT_"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        assertThat(c).isEqualTo(java);
        assertThat(NativeResults.CODES).isEqualTo(BinCounts.CODES);
    }

    @Test
    void codesAreWhatTheKernelsBin() {
        assertThat(BinCounts.codeOf(1.0)).isEqualTo(-Histogram.MIN_EXPONENT);
        assertThat(BinCounts.codeOf(-1.0)).isEqualTo(BinCounts.NEGATIVE - Histogram.MIN_EXPONENT);
        assertThat(BinCounts.codeOf(Double.MIN_VALUE)).isZero();
        assertThat(BinCounts.codeOf(-Double.MAX_VALUE)).isEqualTo(BinCounts.ZERO - 1);
        assertThat(BinCounts.codeOf(-0.0)).isEqualTo(BinCounts.ZERO);
        assertThat(BinCounts.codeOf(Double.NaN)).isEqualTo(BinCounts.NAN);
        assertThat(BinCounts.codeOf(Double.POSITIVE_INFINITY)).isEqualTo(BinCounts.POS_INF);
        assertThat(BinCounts.codeOf(Double.NEGATIVE_INFINITY)).isEqualTo(BinCounts.NEG_INF);
    }
}
