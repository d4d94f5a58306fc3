package dev.layerdiff.report.html;

import dev.layerdiff.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes a comparison as one self-contained HTML page: the answer first (each group's verdict, the
 * culprit and where inside it the error sits, health findings, the two environments side by side),
 * then error against depth, then every layer on demand (metrics, histograms, the enhanced-diff image,
 * slice breakdowns). Script, styles, the charting library (uPlot) and images are inlined, so the page
 * opens offline; the data is one JSON object that the page's script renders from.
 *
 * <pre>{@code
 * HtmlReport.write(new ReportPage(report, diagnosis, ArchiveSide.of(...), ArchiveSide.of(...),
 *         images, leftOut, null), Path.of("report.html"));
 * }</pre>
 */
public final class HtmlReport {
    private HtmlReport() {}

    /** Writes the page to {@code file} atomically. */
    public static void write(ReportPage page, Path file) throws IOException {
        AtomicFiles.write(file, out -> write(page, out));
    }

    /** Writes the page to a stream (left open). */
    public static void write(ReportPage page, OutputStream stream) throws IOException {
        Writer out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        PageAssets assets = PageAssets.load();
        String template = assets.template();
        int at = 0;
        for (int open = template.indexOf("{{", at); open >= 0; open = template.indexOf("{{", at)) {
            int close = template.indexOf("}}", open);
            out.write(template, at, open - at);
            String slot = template.substring(open + 2, close);
            switch (slot) {
                case "title" -> out.write(escape(title(page)));
                case "style" -> out.write(assets.style());
                case "chart-style" -> out.write(assets.chartStyle());
                case "chart-license" -> out.write(assets.chartLicense().replace("--", "- -"));
                case "chart-script" -> out.write(assets.chartScript());
                case "script" -> out.write(assets.script());
                case "data" -> new PageData(page).write(out);
                default -> throw new IllegalStateException("page template has an unknown slot {{" + slot + "}}");
            }
            at = close + 2;
        }
        out.write(template, at, template.length() - at);
        out.flush();
    }

    private static String title(ReportPage page) {
        return "layerdiff: " + Path.of(page.report().candidate()).getFileName() + " against "
                + Path.of(page.report().reference()).getFileName();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
