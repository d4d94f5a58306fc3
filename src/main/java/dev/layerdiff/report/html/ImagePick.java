package dev.layerdiff.report.html;

import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.compare.Status;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.diagnosis.GroupDiagnosis;
import dev.layerdiff.diagnosis.Suspect;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which layers' enhanced-diff images a report carries: the culprit and the suspects of each group,
 * then each group's first divergence, then the other diverged layers in walk order, at most
 * {@link #MAX_IMAGES}. A broken model diverges in every layer after the culprit; a page with an image
 * for each of 10,000 layers would not open.
 */
public final class ImagePick {
    /** Images one page carries at most. */
    public static final int MAX_IMAGES = 24;

    private ImagePick() {}

    /** The layers to draw, most telling first (diagnosis may be null). */
    public static List<String> choose(Report report, Diagnosis diagnosis) {
        Set<String> diverged = new LinkedHashSet<>();
        for (Group g : Group.values()) {
            for (LayerReport l : report.walk(g)) if (l.status() == Status.DIVERGED) diverged.add(l.name());
        }
        Set<String> chosen = new LinkedHashSet<>();
        if (diagnosis != null) {
            for (GroupDiagnosis gd : diagnosis.groups().values()) {
                if (gd.introducedAt() != null) chosen.add(gd.introducedAt());
            }
            for (GroupDiagnosis gd : diagnosis.groups().values()) {
                for (Suspect s : gd.suspects()) chosen.add(s.name());
            }
        }
        for (Map.Entry<Group, LayerReport> e : report.firstDivergence().entrySet()) {
            if (e.getValue() != null) chosen.add(e.getValue().name());
        }
        chosen.addAll(diverged);
        List<String> pick = new ArrayList<>();
        for (String name : chosen) {
            if (pick.size() == MAX_IMAGES) break;
            if (diverged.contains(name)) pick.add(name);
        }
        return pick;
    }

    /** Diverged layers, each of which has an image to draw. */
    public static long drawable(Report report) {
        return report.count(Status.DIVERGED);
    }
}
