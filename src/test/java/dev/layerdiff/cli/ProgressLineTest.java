package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void saysBytesDoneTheRateAndTheTimeLeft() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        ProgressLine p = new ProgressLine(new PrintWriter(new StringWriter()), 60_000, now::get);
        p.started(4_000_000_000L);
        assertThat(p.line()).isEqualTo("compared 0.00 of 4.00 GB, 0.0 GB/s, time left unknown");
        p.completed(1_000_000_000L);
        now.addAndGet(2_000_000_000L);
        assertThat(p.line()).isEqualTo("compared 1.00 of 4.00 GB, 0.5 GB/s, 0:06 left");
        p.close();
    }

    @Test
    void drawsAfterItsDelayAndErasesItselfOnClose() throws InterruptedException {
        StringWriter text = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(text), 0);
        p.started(100);
        p.completed(50);
        for (int i = 0; i < 200 && !text.toString().contains("compared"); i++) Thread.sleep(10);
        p.close();
        assertThat(text.toString()).startsWith("\r\u001B[Kcompared 0.00 of 0.00 GB").endsWith("\r\u001B[K");
    }

    @Test
    void aQuickComparisonDrawsNothing() {
        StringWriter text = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(text), 60_000);
        p.started(100);
        p.completed(100);
        p.close();
        assertThat(text.toString()).isEmpty();
    }
}
