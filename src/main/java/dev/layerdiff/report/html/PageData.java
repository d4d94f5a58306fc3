package dev.layerdiff.report.html;

import static dev.layerdiff.report.html.PageEncoders.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.layerdiff.Version;
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
import dev.layerdiff.diagnosis.Role;
import dev.layerdiff.diagnosis.Suspect;
import dev.layerdiff.report.ImageAxes;
import dev.layerdiff.report.JsonReport;
import dev.layerdiff.report.Verdicts;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.ImageLayout;
import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.tensor.DType;
import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The page's data, one JSON object written once into the page: the answer, the environment, and every
 * layer as columns (one array per field, indexed by the layer's position in the report), so that 10,000
 * layers cost a few numbers each rather than an object each. The script renders what is asked for from it.
 * Numbers carry {@value PageEncoders#DIGITS} significant digits (what the page shows); non-finite ones are null.
 */
final class PageData {
    private static final JsonFactory FACTORY = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private final ReportPage page;
    private final Report report;
    private final Diagnosis diagnosis;
    private final List<LayerReport> layers;
    private final Map<String, Integer> index = new HashMap<>();

    PageData(ReportPage page) {
        this.page = page;
        this.report = page.report();
        this.diagnosis = page.diagnosis();
        this.layers = report.layers();
        for (int i = 0; i < layers.size(); i++) index.putIfAbsent(layers.get(i).name(), i);
    }

    void write(Writer out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setCharacterEscapes(new ScriptSafe());
            g.writeStartObject();
            g.writeStringField("version", Version.get());
            g.writeStringField("reference", report.reference());
            g.writeStringField("candidate", report.candidate());
            g.writeStringField("backend", report.backend());
            g.writeBooleanField("passed", report.passed());
            g.writeStringField("verdictLine", Verdicts.line(report, diagnosis));
            names(g, "groupNames", Group.values(), Group::jsonName);
            metricFields(g);
            names(g, "statusNames", Status.values(), Status::jsonName);
            names(g, "roleNames", Role.values(), Role::jsonName);
            writeAnswer(g);
            writeEnvironment(g);
            writeHealth(g);
            writeWalk(g);
            writeLayers(g);
            writeImages(g);
            writeColours(g);
            g.writeEndObject();
        }
    }

    private void writeAnswer(JsonGenerator g) throws IOException {
        if (diagnosis != null) {
            number(g, "floor", diagnosis.floor());
            g.writeStringField("floorSource", diagnosis.source());
            g.writeArrayFieldStart("notes");
            for (String n : diagnosis.notes()) g.writeString(n);
            g.writeEndArray();
        }
        Map<Group, LayerReport> first = report.firstDivergence();
        g.writeArrayFieldStart("groups");
        for (Group group : Group.values()) {
            if (report.walk(group).isEmpty() && first.get(group) == null) continue;
            GroupDiagnosis gd = diagnosis == null ? null : diagnosis.groups().get(group);
            g.writeStartObject();
            g.writeNumberField("group", group.ordinal());
            layerRef(g, "firstDivergence", first.get(group) == null ? null : first.get(group).name());
            if (gd != null) {
                g.writeStringField("verdict", gd.verdict().jsonName());
                g.writeStringField("words", Verdicts.describe(gd));
                layerRef(g, "introducedAt", gd.introducedAt());
                number(g, "floor", gd.noiseFloor());
                g.writeArrayFieldStart("suspects");
                for (Suspect s : gd.suspects()) {
                    g.writeStartObject();
                    layerRef(g, "layer", s.name());
                    JsonReport.writeSuspect(g, s);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void writeEnvironment(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("environment");
        for (EnvironmentTable.Row r : EnvironmentTable.rows(page.reference(), page.candidate())) {
            g.writeStartObject();
            g.writeStringField("key", r.key());
            strings(g, "reference", r.reference());
            strings(g, "candidate", r.candidate());
            g.writeBooleanField("differs", r.differs());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /**
     * Each side's health findings, each saying whether the other run has the same one (same kind, layer
     * and indices): what only one run shows is what tells the runs apart. Null when no check ran.
     */
    private void writeHealth(JsonGenerator g) throws IOException {
        List<Health> health = diagnosis == null ? List.of() : diagnosis.health();
        if (health.isEmpty()) {
            g.writeNullField("health");
            return;
        }
        String[] sides = {"reference", "candidate"};
        g.writeArrayFieldStart("health");
        for (int i = 0; i < health.size(); i++) {
            Health h = health.get(i), other = health.size() == 2 ? health.get(1 - i) : null;
            g.writeStartObject();
            g.writeStringField("side", sides[i]);
            g.writeStringField("archive", h.archive());
            g.writeNumberField("tensors", h.tensors());
            g.writeNumberField("unread", h.unread());
            g.writeArrayFieldStart("findings");
            for (Finding f : h.findings()) {
                g.writeStartObject();
                g.writeStringField("kind", f.kind().jsonName());
                layerRef(g, "layer", f.layer());
                g.writeStringField("name", f.layer());
                g.writeStringField("detail", f.detail());
                g.writeBooleanField("inOther", other != null && other.findings().stream().anyMatch(o -> o.kind() == f.kind()
                        && o.layer().equals(f.layer()) && Objects.equals(o.dim(), f.dim()) && Objects.equals(o.indices(), f.indices())));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Each group's compared layers in walk order (activations forward, gradients from the output back). */
    private void writeWalk(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("walk");
        for (Group group : Group.values()) {
            List<LayerReport> walk = report.walk(group);
            if (walk.isEmpty()) continue;
            g.writeStartObject();
            g.writeNumberField("group", group.ordinal());
            g.writeArrayFieldStart("layers");
            for (LayerReport l : walk) g.writeNumber(index.get(l.name()));
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void writeLayers(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("layers");
        column(g, "name", l -> g.writeString(l.name()));
        g.writeObjectFieldStart("candidateName");
        for (int i = 0; i < layers.size(); i++) {
            LayerReport l = layers.get(i);
            if (l.candidateName() != null && !l.candidateName().equals(l.name())) g.writeStringField(Integer.toString(i), l.candidateName());
        }
        g.writeEndObject();
        column(g, "group", l -> g.writeNumber(l.group().ordinal()));
        column(g, "order", l -> g.writeNumber(l.order()));
        column(g, "status", l -> g.writeNumber(l.status().ordinal()));
        column(g, "numel", l -> g.writeNumber(l.numel()));
        column(g, "shape", l -> {
            g.writeStartArray();
            shape(g, l.referenceShape());
            if (!Arrays.equals(l.referenceShape(), l.candidateShape())) shape(g, l.candidateShape());
            g.writeEndArray();
        });
        g.writeFieldName("dtypeNames");
        names(g, DType.values(), DType::displayName);
        column(g, "dtype", l -> {
            g.writeStartArray();
            ordinal(g, l.referenceDtype());
            if (l.candidateDtype() != l.referenceDtype()) ordinal(g, l.candidateDtype());
            g.writeEndArray();
        });
        List<Tolerance> tolerances = layers.stream().map(LayerReport::tolerance).filter(Objects::nonNull).distinct().toList();
        g.writeArrayFieldStart("tolerances");
        for (Tolerance t : tolerances) {
            g.writeStartArray();
            number(g, t.rtol());
            number(g, t.atol());
            g.writeEndArray();
        }
        g.writeEndArray();
        column(g, "tolerance", l -> {
            if (l.tolerance() == null) g.writeNull();
            else g.writeNumber(tolerances.indexOf(l.tolerance()));
        });
        column(g, "metrics", l -> metrics(g, l));
        column(g, "stats", l -> {
            g.writeStartArray();
            stats(g, l.referenceStats());
            stats(g, l.candidateStats());
            g.writeEndArray();
        });
        column(g, "histograms", l -> {
            Histogram rh = l.referenceHistogram(), ch = l.candidateHistogram(), dh = l.diffHistogram();
            if (rh == null && ch == null && dh == null) {
                g.writeNull();
                return;
            }
            g.writeStartArray();
            histogram(g, rh);
            histogram(g, ch);
            histogram(g, dh);
            g.writeEndArray();
        });
        column(g, "relativeError", l -> {
            LayerDiagnosis d = diagnosis(l);
            if (l.metrics() == null || l.metrics().finitePairs() == 0) number(g, Double.NaN);
            else number(g, d != null ? d.relativeError() : l.metrics().relativeError());
        });
        // A summary's or a statistics dump's layer: [estimate, low, high] (high null when unbounded); else null.
        column(g, "estimated", l -> {
            if (l.estimate() == null || l.estimate().identical()) {
                g.writeNull();
                return;
            }
            g.writeStartArray();
            number(g, l.estimate().relativeError());
            number(g, l.estimate().relativeErrorLow());
            number(g, l.estimate().relativeErrorHigh());
            g.writeEndArray();
        });
        column(g, "units", l -> number(g, diagnosis(l) == null ? Double.NaN : diagnosis(l).units()));
        column(g, "score", l -> number(g, diagnosis(l) == null ? Double.NaN : diagnosis(l).score()));
        column(g, "role", l -> {
            if (diagnosis(l) == null) g.writeNull();
            else g.writeNumber(diagnosis(l).role().ordinal());
        });
        g.writeObjectFieldStart("localized");
        for (int i = 0; i < layers.size(); i++) {
            LayerDiagnosis d = diagnosis(layers.get(i));
            if (d != null && d.localized() != null) g.writeStringField(Integer.toString(i), d.localized().describe());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("slices");
        for (int i = 0; i < layers.size(); i++) {
            LayerDiagnosis d = diagnosis(layers.get(i));
            if (d == null || d.slices().isEmpty()) continue;
            g.writeArrayFieldStart(Integer.toString(i));
            for (SliceStats s : d.slices()) slices(g, s);
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndObject();
    }






    /**
     * Images by layer index: the levels PNG, its geometry in the {@link DiffImage}'s pixels and in
     * elements, and what its axes mean; with the range each group's images share.
     */
    private void writeImages(JsonGenerator g) throws IOException {
        Map<Group, double[]> shared = new EnumMap<>(Group.class);
        g.writeObjectFieldStart("images");
        int written = 0;
        for (Map.Entry<String, DiffImage> e : page.images().entrySet()) {
            Integer i = index.get(e.getKey());
            if (i == null || written == ImagePick.MAX_IMAGES) continue;
            written++;
            PageImage p = PageImage.of(e.getValue());
            ImageLayout layout = e.getValue().layout();
            if (p.hi() >= 0) {
                double[] range = shared.computeIfAbsent(layers.get(i).group(), k -> new double[] {p.lo(), p.hi()});
                range[0] = Math.min(range[0], p.lo());
                range[1] = Math.max(range[1], p.hi());
            }
            g.writeObjectFieldStart(Integer.toString(i));
            g.writeNumberField("width", p.width());
            g.writeNumberField("height", p.height());
            g.writeNumberField("foldX", p.foldX());
            g.writeNumberField("foldY", p.foldY());
            g.writeNumberField("rowsPerPixel", layout.rowsPerPixel);
            g.writeNumberField("columnsPerPixel", layout.columnsPerPixel);
            g.writeNumberField("tileRows", layout.tileRows);
            g.writeNumberField("tileCols", layout.tileCols);
            g.writeNumberField("tilesX", layout.tilesX);
            g.writeNumberField("tiles", layout.tiles);
            shape(g, "shape", layout.shape());
            g.writeStringField("caption", ImageAxes.caption(layout));
            g.writeNumberField("lo", p.lo());
            g.writeNumberField("hi", p.hi());
            g.writeStringField("png", p.pngBase64());
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeObjectFieldStart("sharedRange");
        for (Map.Entry<Group, double[]> e : shared.entrySet()) {
            g.writeArrayFieldStart(Integer.toString(e.getKey().ordinal()));
            g.writeNumber(e.getValue()[0]);
            g.writeNumber(e.getValue()[1]);
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeNumberField("imagesLeftOut", page.imagesLeftOut() + Math.max(0, page.images().size() - written));
        g.writeNumberField("imageLimit", ImagePick.MAX_IMAGES);
    }


    private LayerDiagnosis diagnosis(LayerReport l) {
        return diagnosis == null ? null : diagnosis.layers().get(l.name());
    }

    private interface LayerField {
        void write(LayerReport l) throws IOException;
    }

    private void column(JsonGenerator g, String name, LayerField field) throws IOException {
        g.writeArrayFieldStart(name);
        for (LayerReport l : layers) field.write(l);
        g.writeEndArray();
    }

    /** A layer named by its index in the columns, or null when the report lacks it. */
    private void layerRef(JsonGenerator g, String field, String name) throws IOException {
        Integer i = name == null ? null : index.get(name);
        if (i == null) g.writeNullField(field);
        else g.writeNumberField(field, i);
    }










}
