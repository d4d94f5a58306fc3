package dev.layerdiff.report.html;

import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.compare.Status;
import dev.layerdiff.compare.Tolerance;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.diagnosis.Finding;
import dev.layerdiff.diagnosis.GroupDiagnosis;
import dev.layerdiff.diagnosis.Health;
import dev.layerdiff.diagnosis.LayerDiagnosis;
import dev.layerdiff.diagnosis.Localized;
import dev.layerdiff.diagnosis.Role;
import dev.layerdiff.diagnosis.Suspect;
import dev.layerdiff.diagnosis.Verdict;
import dev.layerdiff.stats.StatsArena;
import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.ImageLayout;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.tensor.DType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic comparison of a deep model, as a bf16 run against an fp32 one with a bug a third of the
 * way down shows it: two thirds activations, one third gradients, every layer beyond tolerance (noise
 * before the culprit, inherited after it), histograms as wide as real layers' (about 30 exponents a
 * sign), images for the layers a page draws, and dead units in the candidate's culprit that the reference lacks.
 */
final class LargeReports {
    static final long[] SHAPE = {4, 16, 12, 12};

    private LargeReports() {}

    static ReportPage page(int layers) {
        Random random = new Random(14);
        int activations = layers * 2 / 3;
        int culprit = activations / 3;
        double unit = 0x1p-8;
        List<LayerReport> reports = new ArrayList<>();
        StatsArena arena = new StatsArena();
        Map<String, LayerDiagnosis> diagnosed = new LinkedHashMap<>();
        for (int i = 0; i < layers; i++) {
            boolean gradient = i >= activations;
            String name = (gradient ? "grad/" : "") + "blocks." + (gradient ? i - activations : i) + ".mlp.fc";
            Group group = gradient ? Group.GRADIENTS : Group.ACTIVATIONS;
            boolean bug = !gradient && i >= culprit;
            double rel = (bug ? 0.3 : 4 * unit) * (1 + random.nextDouble());
            Role role = gradient || i > culprit ? (bug || gradient ? Role.INHERITED : Role.NOISE)
                    : i == culprit ? Role.INTRODUCED : Role.NOISE;
            long numel = 9216;
            DiffMetrics m = new DiffMetrics(rel * 3, random.nextInt((int) numel), rel * 0.8, rel * 40, rel,
                    1 - rel * rel / 2, -20 * Math.log10(rel), 100 + random.nextInt(5000), numel);
            SideStats stats = new SideStats(numel, numel, 0, 0, 0, -2.5, 2.5, 0.01, 0.7, 0);
            int order = gradient ? activations + (layers - 1 - i) : i;
            reports.add(new LayerReport(name, name, group, order, Status.DIVERGED, SHAPE, SHAPE, DType.FLOAT32,
                    DType.BFLOAT16, numel, new Tolerance(1.6e-2, 1e-5), m,
                    arena.put(stats, stats, values(random), values(random), diff(random)), null));
            List<SliceStats> slices = i == culprit ? List.of(slices(0, 4, random), slices(1, 16, random)) : List.of();
            Localized where = i == culprit ? new Localized(1, List.of(0, 1, 2, 3), 12, SHAPE.length) : null;
            diagnosed.put(name, new LayerDiagnosis(name, group, rel, unit, rel / unit, i == culprit ? 80 : 0.5, role, slices, where));
        }
        Map<Group, GroupDiagnosis> groups = new EnumMap<>(Group.class);
        String culpritName = reports.get(culprit).name();
        groups.put(Group.ACTIVATIONS, new GroupDiagnosis(Group.ACTIVATIONS, Verdict.BUG, culpritName, unit,
                List.of(new Suspect(culpritName, 80, "error jumps from noise to 30% of the signal"))));
        groups.put(Group.GRADIENTS, new GroupDiagnosis(Group.GRADIENTS, Verdict.BUG, null, unit, List.of()));
        Finding dead = new Finding(Finding.Kind.DEAD_UNITS, culpritName, 1, List.of(0, 1, 2, 3), "4 of 16 indices of dim 1 are zero");
        Finding shared = new Finding(Finding.Kind.VANISHING_GRADIENTS, "grad/blocks.0.mlp.fc", null, null, "norm shrinks");
        Diagnosis diagnosis = new Diagnosis(unit, "the dumps' dtypes (bf16)", groups, diagnosed, List.of(),
                List.of(new Health("ref.safetensors", layers, List.of(shared)), new Health("cand.safetensors", layers, List.of(dead, shared))));
        Report report = new Report("ref.safetensors", "cand.safetensors", "cpu-native", reports);
        Map<String, DiffImage> images = new LinkedHashMap<>();
        for (String name : ImagePick.choose(report, diagnosis)) images.put(name, image(random));
        ArchiveSide ref = new ArchiveSide("ref.safetensors", "safetensors", layers, Map.of("float32", (long) layers),
                Map.of("producer", "torch 2.11.0+cu130; device cpu", "tokenizers", "0.15.2"));
        ArchiveSide cand = new ArchiveSide("cand.safetensors", "safetensors", layers, Map.of("bfloat16", (long) layers),
                Map.of("producer", "torch 2.11.0+cu130; device cuda:0", "tokenizers", "0.19.1"));
        return new ReportPage(report, diagnosis, ref, cand, images, ImagePick.drawable(report) - images.size());
    }

    /** Values of both signs over about 30 exponents each, as a normalised activation's. */
    private static Histogram values(Random random) {
        Histogram h = new Histogram();
        for (int e = -30; e < 2; e++) {
            int bin = e - Histogram.MIN_EXPONENT;
            h.addPositive(bin, 1 + random.nextInt(4000));
            h.addNegative(bin, 1 + random.nextInt(4000));
        }
        h.addSpecial(random.nextInt(50), 0, 0, 0);
        return h;
    }

    private static Histogram diff(Random random) {
        Histogram h = new Histogram();
        for (int e = -40; e < -5; e++) h.addPositive(e - Histogram.MIN_EXPONENT, 1 + random.nextInt(4000));
        h.addSpecial(random.nextInt(3000), 0, 0, 0);
        return h;
    }

    private static SliceStats slices(int dim, int size, Random random) {
        double[] diff = new double[size], ref = new double[size];
        long[] mismatched = new long[size], gross = new long[size];
        for (int i = 0; i < size; i++) {
            diff[i] = random.nextDouble();
            ref[i] = 1;
            mismatched[i] = random.nextInt(500);
        }
        return new SliceStats(dim, diff, ref, mismatched, gross, 9216 / size);
    }

    private static DiffImage image(Random random) {
        ImageLayout layout = ImageLayout.of(SHAPE);
        double[] pixels = new double[layout.width * layout.height];
        for (int p = 0; p < pixels.length; p++) pixels[p] = random.nextDouble();
        return new DiffImage(layout, pixels);
    }
}
