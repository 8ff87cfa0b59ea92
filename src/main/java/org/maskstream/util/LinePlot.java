package org.maskstream.util;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart drawn with Java2D (no plotting dependency): titled axes, several named series with a legend.
 * Non-finite points are skipped. {@link #writeStacked} puts several charts one above the other in one PNG.
 *
 * <pre>{@code
 * new LinePlot("loss", "epoch", "loss").series("train", xs, trainLoss).series("val", xs, valLoss)
 *         .write(Path.of("loss.png"), 640, 360);
 * }</pre>
 */
public final class LinePlot {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};
    private static final int MARGIN_LEFT = 64;
    private static final int MARGIN_RIGHT = 16;
    private static final int MARGIN_TOP = 32;
    private static final int MARGIN_BOTTOM = 44;
    private static final int TICKS = 5;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    private record Series(String name, double[] x, double[] y) {
    }

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LinePlot series(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length
                    + " y values");
        }
        series.add(new Series(name, x.clone(), y.clone()));
        return this;
    }

    public void write(Path png, int width, int height) {
        writeStacked(png, width, height, this);
    }

    /** Several charts, each {@code width x panelHeight}, one above the other in one PNG. */
    public static void writeStacked(Path png, int width, int panelHeight, LinePlot... plots) {
        BufferedImage image = new BufferedImage(width, panelHeight * plots.length, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < plots.length; i++) {
                Graphics2D panel = (Graphics2D) g.create(0, i * panelHeight, width, panelHeight);
                try {
                    plots[i].draw(panel, width, panelHeight);
                } finally {
                    panel.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        try {
            Path parent = png.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            ImageIO.write(image, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot " + png + ": " + e.getMessage(), e);
        }
    }

    private void draw(Graphics2D g, int width, int height) {
        double[] range = range();
        double x0 = range[0];
        double x1 = range[1] > range[0] ? range[1] : range[0] + 1;
        double y0 = range[2];
        double y1 = range[3] > range[2] ? range[3] : range[2] + 1;
        int left = MARGIN_LEFT;
        int right = width - MARGIN_RIGHT;
        int top = MARGIN_TOP;
        int bottom = height - MARGIN_BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();

        g.setColor(Color.BLACK);
        g.setFont(g.getFont().deriveFont(Font.BOLD, 13f));
        g.drawString(title, (width - g.getFontMetrics().stringWidth(title)) / 2, 20);
        g.setFont(g.getFont().deriveFont(Font.PLAIN, 11f));
        for (int i = 0; i <= TICKS; i++) {
            double fx = x0 + (x1 - x0) * i / TICKS;
            double fy = y0 + (y1 - y0) * i / TICKS;
            int px = left + (right - left) * i / TICKS;
            int py = bottom - (bottom - top) * i / TICKS;
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(px, top, px, bottom);
            g.drawLine(left, py, right, py);
            g.setColor(Color.DARK_GRAY);
            String xs = format(fx);
            g.drawString(xs, px - fm.stringWidth(xs) / 2, bottom + 14);
            String ys = format(fy);
            g.drawString(ys, left - 6 - fm.stringWidth(ys), py + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString(xLabel, (left + right - fm.stringWidth(xLabel)) / 2, height - 10);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(top + bottom + fm.stringWidth(yLabel)) / 2, 14);
        rotated.dispose();

        g.setStroke(new BasicStroke(2f));
        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            g.setColor(PALETTE[s % PALETTE.length]);
            int prevX = Integer.MIN_VALUE;
            int prevY = 0;
            for (int i = 0; i < line.x.length; i++) {
                if (!Double.isFinite(line.x[i]) || !Double.isFinite(line.y[i])) {
                    prevX = Integer.MIN_VALUE;
                    continue;
                }
                int px = left + (int) Math.round((line.x[i] - x0) / (x1 - x0) * (right - left));
                int py = bottom - (int) Math.round((line.y[i] - y0) / (y1 - y0) * (bottom - top));
                if (prevX != Integer.MIN_VALUE) {
                    g.drawLine(prevX, prevY, px, py);
                }
                g.fillOval(px - 2, py - 2, 5, 5);
                prevX = px;
                prevY = py;
            }
            int ly = top + 14 + 14 * s;
            // The legend's right edge stays inside the chart however long the names are.
            int legendX = right - 8 - series.stream().mapToInt(v -> fm.stringWidth(v.name)).max().orElse(0);
            g.drawLine(legendX - 26, ly - 4, legendX - 6, ly - 4);
            g.drawString(line.name, legendX, ly);
        }
    }

    /** {minX, maxX, minY, maxY} over finite points; {0, 1, 0, 1} when there are none. */
    private double[] range() {
        double[] r = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY};
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i])) {
                    r[0] = Math.min(r[0], s.x[i]);
                    r[1] = Math.max(r[1], s.x[i]);
                    r[2] = Math.min(r[2], s.y[i]);
                    r[3] = Math.max(r[3], s.y[i]);
                }
            }
        }
        return Double.isFinite(r[0]) ? r : new double[] {0, 1, 0, 1};
    }

    private static String format(double v) {
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.3g", v);
    }
}
