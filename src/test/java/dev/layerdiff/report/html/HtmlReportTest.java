package dev.layerdiff.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.stats.DiffMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page as a file: self-contained, its data complete, and bounded in size for a 10,000-layer model. */
public class HtmlReportTest {
    /**
     * The 10,000-layer page measured 11.7 MB (three histograms a layer are 9 MB of it); the bound leaves
     * a fifth for growth, not a second copy of anything.
     */
    static final long MAX_BYTES_10K = 14_000_000;
    /** Elements in the page as written: its skeleton, never a row per layer. */
    static final int MAX_STATIC_ELEMENTS = 120;

    private static final Pattern DATA = Pattern.compile(
            "<script type=\"application/json\" id=\"layerdiff-data\">(.*?)</script>", Pattern.DOTALL);

    @TempDir
    Path tmp;

    @Test
    void tenThousandLayersFitTheBoundsAndDrawAtMostTheImageLimit() throws IOException {
        ReportPage page = LargeReports.page(10_000);
        Path file = Path.of("target", "html-report", "large-10000.html");
        HtmlReport.write(page, file);
        long size = Files.size(file);
        System.out.printf("10,000-layer HTML report: %,d bytes%n", size);
        String html = Files.readString(file, StandardCharsets.UTF_8);

        assertThat(size).isLessThan(MAX_BYTES_10K);
        assertThat(staticElements(html)).isLessThan(MAX_STATIC_ELEMENTS);
        JsonNode data = data(html);
        assertThat(data.path("layers").path("name")).hasSize(10_000);
        assertThat(data.path("layers").path("histograms").get(9_999)).hasSize(3);
        assertThat(data.path("images").size()).isEqualTo(ImagePick.MAX_IMAGES);
        assertThat(data.path("imagesLeftOut").asLong()).isEqualTo(10_000 - ImagePick.MAX_IMAGES);
        int culprit = data.path("groups").get(0).path("introducedAt").asInt();
        assertThat(data.path("layers").path("name").get(culprit).asText()).isEqualTo("blocks.2222.mlp.fc");
        assertThat(data.path("images").has(Integer.toString(culprit))).isTrue();
        JsonNode candidateHealth = data.path("health").get(1);
        assertThat(candidateHealth.path("side").asText()).isEqualTo("candidate");
        assertThat(candidateHealth.path("findings").get(0).path("layer").asInt()).isEqualTo(culprit);
        assertThat(candidateHealth.path("findings").get(0).path("inOther").asBoolean()).as("dead units only here").isFalse();
        assertThat(candidateHealth.path("findings").get(1).path("inOther").asBoolean()).as("vanishing in both").isTrue();
    }

    @Test
    void nothingIsFetchedWhenThePageOpens() throws IOException {
        Path file = tmp.resolve("small.html");
        HtmlReport.write(LargeReports.page(30), file);
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(html).doesNotContainPattern("<(script|img|link|iframe|object|embed)\\b[^>]*\\s(src|href)\\s*=")
                .doesNotContainPattern("@import|url\\(\\s*['\"]?https?:")
                .contains("default-src 'none'")
                .contains("var uPlot=");
        assertThat(data(html).path("verdictLine").asText()).startsWith("DIVERGED (bug)");
    }

    @Test
    void theDataCannotEndItsScriptElement() throws IOException {
        ReportPage large = LargeReports.page(3);
        ArchiveSide hostile = new ArchiveSide("</script><script>alert(1)</script>", "safetensors", 3,
                Map.of("float32", 3L), Map.of("note", "<!-- & </SCRIPT"));
        ReportPage page = new ReportPage(large.report(), large.diagnosis(), hostile, large.candidate(),
                large.images(), large.imagesLeftOut());
        Path file = tmp.resolve("hostile.html");
        HtmlReport.write(page, file);
        String html = Files.readString(file, StandardCharsets.UTF_8);
        JsonNode env = data(html).path("environment");
        assertThat(env.get(0).path("reference").get(0).asText()).isEqualTo("</script><script>alert(1)</script>");
        assertThat(html).doesNotContain("alert(1)</script>");
    }

    @Test
    void aLayerWithoutFinitePairsHasNoRelativeErrorRatherThanZero() throws IOException {
        ReportPage small = LargeReports.page(3);
        List<LayerReport> layers = new ArrayList<>(small.report().layers());
        LayerReport l = layers.get(0);
        DiffMetrics none = new DiffMetrics(0, -1, 0, 0, 0, 1, Double.POSITIVE_INFINITY, l.numel(), 0);
        layers.set(0, new LayerReport(l.name(), l.candidateName(), l.group(), l.order(), l.status(), l.referenceShape(),
                l.candidateShape(), l.referenceDtype(), l.candidateDtype(), l.numel(), l.tolerance(), none,
                l.stats(), null));
        Report report = new Report("r", "c", "cpu-scalar", layers);
        Path file = tmp.resolve("nan.html");
        HtmlReport.write(new ReportPage(report, null, small.reference(), small.candidate(), Map.of(), 0), file);
        JsonNode columns = data(Files.readString(file, StandardCharsets.UTF_8)).path("layers");
        assertThat(columns.path("relativeError").get(0).isNull()).isTrue();
        assertThat(columns.path("metrics").get(0).get(0).isNull()).as("max_abs").isTrue();
        assertThat(columns.path("metrics").get(0).get(7).asLong()).isEqualTo(l.numel());
        assertThat(columns.path("relativeError").get(1).asDouble()).isPositive();
    }

    public static JsonNode data(String html) throws IOException {
        Matcher m = DATA.matcher(html);
        assertThat(m.find()).as("the page's data element").isTrue();
        return new ObjectMapper().readTree(m.group(1));
    }

    /** Elements the page is written with, outside its scripts and styles. */
    static int staticElements(String html) {
        String markup = html.replaceAll("(?s)<script[^>]*>.*?</script>", "").replaceAll("(?s)<style[^>]*>.*?</style>", "")
                .replaceAll("(?s)<!--.*?-->", "");
        Matcher m = Pattern.compile("<[a-zA-Z]").matcher(markup);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
