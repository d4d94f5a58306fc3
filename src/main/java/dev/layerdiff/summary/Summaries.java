package dev.layerdiff.summary;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ListArchive;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Summaries opened as archives of the tensors they summarise, so that a comparison pairs them as it pairs dumps. */
public final class Summaries {
    private Summaries() {}

    /**
     * {@code archive} itself if it is a dump; if it is a summary, an archive of the tensors it summarises
     * (names, dtypes, shapes and order as dumped; their data the digests, which hold no values), which owns
     * {@code archive} and closes it.
     *
     * @throws IOException naming the file, if the summary is malformed (then {@code archive} is closed)
     */
    public static Archive view(Archive archive) throws IOException {
        if (!SummaryFile.isSummary(archive)) return archive;
        try {
            String file = archive.path().toString();
            List<TensorEntry> tensors = new ArrayList<>();
            for (SummaryFile.Entry e : SummaryFile.read(archive)) {
                long numel = 1;
                for (long d : e.shape()) numel *= d;
                tensors.add(new TensorEntry(e.name(), tensors.size(), e.dtype(), e.shape(), ByteOrder.LITTLE_ENDIAN,
                        new Summarized(file, e.name(), numel * e.dtype().byteSize(), e.digest())));
            }
            return new ListArchive(archive.path(), "layerdiff summary", tensors, archive.metadata(), List.of(archive));
        } catch (IOException | RuntimeException e) {
            archive.close();
            throw e;
        }
    }

    /** Whether a tensor of an archive is a summary's (its values not at hand). */
    public static boolean isSummarized(TensorEntry tensor) {
        return Summarized.digestOf(tensor.data()) != null;
    }

    /** The most buckets the summary behind {@code archive} sketched with, or 0 if it is a dump. */
    public static int buckets(Archive archive) {
        if (!SummaryFile.isSummary(archive)) return 0;
        try {
            return Integer.parseInt(archive.metadata().getOrDefault("buckets", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
