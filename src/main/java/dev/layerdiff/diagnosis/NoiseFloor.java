package dev.layerdiff.diagnosis;

import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import java.util.ArrayList;
import java.util.List;

/**
 * The precision a comparison is judged in.
 *
 * @param unit   its unit roundoff u
 * @param source how it was chosen, in words
 */
record NoiseFloor(double unit, String source) {
    /** The data's precision is the finest standard one within this factor of the median layer error. */
    static final double TYPICAL_UNITS = 4;

    /**
     * The unit roundoff to judge against: the coarsest of the dumps' dtypes and {@code --precision};
     * without {@code --precision}, also what the data says, since a float32 dump of a tf32 or bf16 run
     * says nothing of it in its dtype. The data's precision is the finest standard one that the median
     * error is typical of, over the layers met (activations forward, then gradients backward) before
     * the first error that no precision explains: a bug's inherited errors say nothing of the precision.
     */
    static NoiseFloor of(Report report, Precision precision) {
        double dtypeUnit = 0;
        for (LayerReport l : report.layers()) {
            if (l.metrics() == null) continue;
            dtypeUnit = Math.max(dtypeUnit, Math.max(Precision.unitOf(l.referenceDtype()), Precision.unitOf(l.candidateDtype())));
        }
        if (dtypeUnit == 0) dtypeUnit = Precision.FP32.unit();
        NoiseFloor fromDtypes = new NoiseFloor(dtypeUnit, "the dumps' dtypes (" + nameOf(dtypeUnit) + ")");
        if (precision != null) {
            return precision.unit() > dtypeUnit ? new NoiseFloor(precision.unit(), "--precision " + precision.cliName()) : fromDtypes;
        }
        List<Double> errors = new ArrayList<>();
        walk:
        for (Group g : Group.values()) {
            for (LayerReport l : report.walk(g)) {
                double e = l.metrics().relativeError();
                if (!(e <= TYPICAL_UNITS * Precision.BF16.unit())) break walk;
                if (e > 0) errors.add(e);
            }
        }
        if (errors.isEmpty()) return fromDtypes;
        errors.sort(null);
        double median = errors.get(errors.size() / 2);
        for (Precision p : new Precision[] {Precision.FP32, Precision.TF32, Precision.BF16}) {
            if (p.unit() < dtypeUnit || median > TYPICAL_UNITS * p.unit()) continue;
            if (p.unit() == dtypeUnit) return fromDtypes;
            return new NoiseFloor(p.unit(), String.format("the data: a median layer error of %.2g, typical of %s (stored as %s)",
                    median, p == Precision.TF32 ? "tf32 or fp16" : p.cliName(), nameOf(dtypeUnit)));
        }
        return fromDtypes;
    }

    private static String nameOf(double unit) {
        if (unit == Precision.BF16.unit()) return "bf16";
        if (unit == Precision.FP16.unit()) return "fp16";
        if (unit == Precision.FP32.unit()) return "fp32";
        if (unit == Precision.FP64.unit()) return "fp64";
        return String.format("u = %.3g", unit);
    }
}
