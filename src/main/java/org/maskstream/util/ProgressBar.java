package org.maskstream.util;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A one-line terminal progress bar for long work: {@code label [#####.....] 42/100 12.3/s eta 5s | extra}.
 *
 * <p>Redraws in place with a carriage return when the stream is a terminal, and prints a line at most every few
 * seconds otherwise (logs, CI), so it never floods a file.
 */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;
    private static final long TTY_INTERVAL_NANOS = 200_000_000L;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean tty;
    private final long start = System.nanoTime();
    private long done;
    private long lastDraw;
    private long drawnDone = -1;
    private Supplier<String> extra = () -> "";

    public ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.tty = System.console() != null;
    }

    /** Text shown after the bar, recomputed at each redraw (e.g. the running loss). */
    public ProgressBar withExtra(Supplier<String> extra) {
        this.extra = extra;
        return this;
    }

    public void step(long n) {
        done = Math.min(total, done + n);
        long now = System.nanoTime();
        if (now - lastDraw >= (tty ? TTY_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS) || done == total) {
            lastDraw = now;
            draw(false);
        }
    }

    private void draw(boolean last) {
        drawnDone = done;
        double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        double rate = done / secs;
        long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
        int filled = (int) (WIDTH * done / total);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        String ex = extra.get();
        String line = String.format(Locale.ROOT, "%s [%s] %d/%d %.1f/s eta %ds%s", label, bar, done, total, rate, eta,
                ex.isEmpty() ? "" : " | " + ex);
        if (tty) {
            out.print("\r" + line + (last ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void close() {
        if (tty || drawnDone != done) {
            draw(true);
        }
    }
}
