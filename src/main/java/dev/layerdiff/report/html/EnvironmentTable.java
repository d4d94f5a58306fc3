package dev.layerdiff.report.html;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two archives side by side: format, dtypes and every metadata key of either, with what differs
 * marked down to the word (seed 000's culprit was one library version inside a producer string).
 */
final class EnvironmentTable {
    /** Words are split at whitespace, ';' and ','; a version such as {@code 0.15.2} stays one word. */
    private static final Pattern WORD = Pattern.compile("[^\\s;,]+");
    /** Unmarked text longer than this is cut to {@link #KEEP} characters at each end. */
    private static final int MAX_PLAIN = 240, KEEP = 80;

    /**
     * One row.
     *
     * @param key       what the row shows
     * @param reference the reference's value as segments, plain and marked by turns (the first plain); null if absent
     * @param candidate the candidate's, likewise
     * @param differs   whether the values differ (never for the paths, which always do)
     */
    record Row(String key, List<String> reference, List<String> candidate, boolean differs) {}

    private EnvironmentTable() {}

    static List<Row> rows(ArchiveSide ref, ArchiveSide cand) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("file", List.of(ref.path()), List.of(cand.path()), false));
        rows.add(row("format", ref.format(), cand.format()));
        rows.add(row("tensors", Integer.toString(ref.tensors()), Integer.toString(cand.tensors())));
        rows.add(row("dtypes", dtypes(ref.dtypes()), dtypes(cand.dtypes())));
        Set<String> keys = new LinkedHashSet<>(ref.metadata().keySet());
        keys.addAll(cand.metadata().keySet());
        for (String key : keys) rows.add(row(key, ref.metadata().get(key), cand.metadata().get(key)));
        return rows;
    }

    private static Row row(String key, String ref, String cand) {
        boolean differs = ref == null || !ref.equals(cand);
        return new Row(key, shorten(segments(ref, cand)), shorten(segments(cand, ref)), differs);
    }

    /**
     * Long plain runs cut to their ends, so that a value such as a 10,000-name {@code order} list costs a
     * line, while every marked word stays with some context.
     */
    static List<String> shorten(List<String> segments) {
        if (segments == null) return null;
        List<String> out = new ArrayList<>(segments);
        for (int i = 0; i < out.size(); i += 2) {
            String plain = out.get(i);
            if (plain.length() > MAX_PLAIN) {
                out.set(i, plain.substring(0, KEEP) + " ... (" + (plain.length() - 2 * KEEP) + " characters) ... "
                        + plain.substring(plain.length() - KEEP));
            }
        }
        return out;
    }

    /** {@code value} cut into plain and marked segments by turns: a word is marked when {@code other} lacks it. */
    static List<String> segments(String value, String other) {
        if (value == null) return null;
        Map<String, Integer> theirs = new HashMap<>();
        if (other != null) for (Matcher m = WORD.matcher(other); m.find(); ) theirs.merge(m.group(), 1, Integer::sum);
        List<String> segments = new ArrayList<>();
        StringBuilder plain = new StringBuilder(), marked = new StringBuilder();
        int at = 0;
        for (Matcher m = WORD.matcher(value); m.find(); ) {
            String between = value.substring(at, m.start());
            at = m.end();
            boolean shared = theirs.merge(m.group(), -1, Integer::sum) >= 0;
            if (shared) {
                flush(segments, plain, marked);
                plain.append(between).append(m.group());
            } else {
                if (marked.length() == 0) plain.append(between);
                else marked.append(between);
                marked.append(m.group());
            }
        }
        flush(segments, plain, marked);
        segments.add(plain.append(value.substring(at)).toString());
        return segments;
    }

    /** Closes a marked run: the plain text before it, then it. */
    private static void flush(List<String> segments, StringBuilder plain, StringBuilder marked) {
        if (marked.length() == 0) return;
        segments.add(plain.toString());
        segments.add(marked.toString());
        plain.setLength(0);
        marked.setLength(0);
    }

    private static String dtypes(Map<String, Long> counts) {
        StringJoiner j = new StringJoiner(", ");
        counts.forEach((dtype, n) -> j.add(dtype + " x " + n));
        return j.toString();
    }
}
