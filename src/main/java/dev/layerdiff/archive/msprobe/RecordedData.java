package dev.layerdiff.archive.msprobe;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.tensor.RecordedStatistics;
import dev.layerdiff.tensor.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A tensor of an msprobe statistics dump: its recorded statistics, no values. */
final class RecordedData implements TensorData {
    private final String file;
    private final String name;
    private final long byteSize;
    private final RecordedStatistics statistics;

    RecordedData(String file, String name, long byteSize, RecordedStatistics statistics) {
        this.file = file;
        this.name = name;
        this.byteSize = byteSize;
        this.statistics = statistics;
    }

    @Override
    public long byteSize() { return byteSize; }

    @Override
    public boolean isRandomAccess() { return true; }

    @Override
    public RecordedStatistics recorded() { return statistics; }

    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
        throw new ArchiveException(file, name + ": msprobe recorded its statistics only (\"task\": \"statistics\"), no values");
    }
}
