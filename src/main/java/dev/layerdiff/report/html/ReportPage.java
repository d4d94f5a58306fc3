package dev.layerdiff.report.html;

import dev.layerdiff.compare.Report;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.stats.DiffImage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything one HTML report shows.
 *
 * @param report        the comparison
 * @param diagnosis     its diagnosis (with both runs' health, when it was checked), or null when it was not run
 * @param reference     the reference archive's side of the environment table
 * @param candidate     the candidate's
 * @param images        enhanced-diff images by layer name: the layers {@link ImagePick} chose, at most
 *                      {@link ImagePick#MAX_IMAGES}
 * @param imagesLeftOut diverged layers whose image the page leaves out
 */
public record ReportPage(Report report, Diagnosis diagnosis, ArchiveSide reference, ArchiveSide candidate,
                         Map<String, DiffImage> images, long imagesLeftOut) {
    public ReportPage {
        images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
    }
}
