package dev.layerdiff.archive.msprobe;

import dev.layerdiff.archive.ValuelessData;
import dev.layerdiff.tensor.RecordedStatistics;

/** A tensor of an msprobe statistics dump: its recorded statistics, no values. */
final class RecordedData extends ValuelessData {
    private final RecordedStatistics statistics;

    RecordedData(String file, String name, long byteSize, RecordedStatistics statistics) {
        super(file, name, byteSize, "msprobe recorded its statistics only (\"task\": \"statistics\"), no values");
        this.statistics = statistics;
    }

    @Override
    public RecordedStatistics recorded() { return statistics; }
}
