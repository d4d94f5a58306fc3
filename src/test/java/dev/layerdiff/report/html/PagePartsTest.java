package dev.layerdiff.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.compare.Status;
import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.ImageLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The page's parts that are decided in Java: what differs between the runs, which layers get images, image levels. */
class PagePartsTest {

    @Test
    void aDifferingVersionInsideAProducerStringIsMarkedAlone() {
        List<String> ref = EnvironmentTable.segments("torch 2.11.0; tokenizers 0.15.2; host a", "torch 2.11.0; tokenizers 0.19.1; host b");
        assertThat(ref).containsExactly("torch 2.11.0; tokenizers ", "0.15.2", "; host ", "a", "");
        assertThat(EnvironmentTable.segments("same words", "words same")).containsExactly("same words");
        assertThat(EnvironmentTable.segments("x", null)).containsExactly("", "x", "");
        assertThat(EnvironmentTable.segments(null, "x")).isNull();
    }

    @Test
    void longValuesAreCutButKeepWhatDiffers() {
        StringBuilder names = new StringBuilder("[");
        for (int i = 0; i < 10_000; i++) names.append(i == 0 ? "" : ", ").append("\"blocks.").append(i).append('"');
        String ref = names + "]", cand = ref.replace("\"blocks.5000\"", "\"blocks.5000b\"");
        List<String> shown = EnvironmentTable.shorten(EnvironmentTable.segments(cand, ref));
        assertThat(shown).hasSize(3);
        assertThat(shown.get(1)).isEqualTo("\"blocks.5000b\"");
        assertThat(String.join("", shown)).hasSizeLessThan(400).contains("characters) ...");
    }

    @Test
    void rowsCoverEveryMetadataKeyOfEitherSideAndFlagWhatDiffers() {
        ArchiveSide a = new ArchiveSide("a.safetensors", "safetensors", 2, Map.of("float32", 2L),
                ordered("producer", "torch 2.11.0", "seed", "0"));
        ArchiveSide b = new ArchiveSide("b.pt", "pt", 2, Map.of("float32", 2L), ordered("producer", "torch 2.11.0", "gpu", "H100"));
        List<EnvironmentTable.Row> rows = EnvironmentTable.rows(a, b);
        assertThat(rows).extracting(EnvironmentTable.Row::key).containsExactly("file", "format", "tensors", "dtypes", "producer", "seed", "gpu");
        assertThat(rows).filteredOn(EnvironmentTable.Row::differs).extracting(EnvironmentTable.Row::key)
                .containsExactly("format", "seed", "gpu");
        assertThat(rows.get(6).reference()).isNull();
    }

    @Test
    void theCulpritIsDrawnFirstAndNoMoreThanTheLimit() {
        ReportPage page = LargeReports.page(200);
        List<String> pick = ImagePick.choose(page.report(), page.diagnosis());
        assertThat(pick).hasSize(ImagePick.MAX_IMAGES);
        assertThat(pick.get(0)).isEqualTo(page.diagnosis().groups().values().iterator().next().introducedAt());
        assertThat(pick).doesNotHaveDuplicates();
    }

    @Test
    void layersWithinToleranceGetNoImage() {
        Report full = LargeReports.page(6).report();
        List<LayerReport> layers = new ArrayList<>();
        for (LayerReport l : full.layers()) {
            layers.add(l.name().endsWith("0.mlp.fc") ? l : new LayerReport(l.name(), l.candidateName(), l.group(), l.order(),
                    Status.OK, l.referenceShape(), l.candidateShape(), l.referenceDtype(), l.candidateDtype(), l.numel(),
                    l.tolerance(), l.metrics(), l.stats(), null));
        }
        Report report = new Report(full.reference(), full.candidate(), full.backend(), layers);
        assertThat(ImagePick.choose(report, null)).containsExactly("blocks.0.mlp.fc", "grad/blocks.0.mlp.fc");
        assertThat(ImagePick.drawable(report)).isEqualTo(2);
    }

    @Test
    void levelsPlaceFiniteValuesInTheRangeAndKeepNonFiniteAndPaddingApart() throws IOException {
        ImageLayout layout = ImageLayout.of(new long[] {3, 1, 1}); // 2 x 2 grid, one padding pixel
        PageImage p = PageImage.of(new DiffImage(layout, new double[] {0.5, Double.POSITIVE_INFINITY, 2, -1}));
        assertThat(new double[] {p.lo(), p.hi()}).containsExactly(0.5, 2);
        assertThat(levels(p)).containsExactly(0, PageImage.NON_FINITE, PageImage.LEVELS - 1, PageImage.PADDING);
    }

    @Test
    void largeImagesAreReducedByBlockMaximumSoALoneBadElementShows() throws IOException {
        ImageLayout layout = ImageLayout.of(new long[] {1000, 1000});
        double[] px = new double[layout.width * layout.height];
        px[777 * 1000 + 333] = 9;
        PageImage p = PageImage.of(new DiffImage(layout, px));
        assertThat(new int[] {p.width(), p.height(), p.foldX(), p.foldY()}).containsExactly(500, 500, 2, 2);
        int[] levels = levels(p);
        assertThat(levels[388 * 500 + 166]).isEqualTo(PageImage.LEVELS - 1);
        assertThat(java.util.Arrays.stream(levels).filter(v -> v != 0).count()).isEqualTo(1);
    }

    private static Map<String, String> ordered(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put(keyValues[i], keyValues[i + 1]);
        return m;
    }

    private static int[] levels(PageImage p) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(p.pngBase64())));
        int[] out = new int[img.getWidth() * img.getHeight()];
        img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), out);
        return out;
    }
}
