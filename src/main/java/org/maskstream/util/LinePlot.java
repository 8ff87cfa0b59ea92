package org.maskstream.util;

import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;

/**
 * A line chart drawn by XChart: titled axes with its round tick steps, several named series each in a colour of
 * its own ({@link #colour}), the legend beside the plot (never over a curve), and vertical marks with a label (e.g.
 * where a curriculum stage starts). Non-finite points are left out. {@link #writeStacked} puts several charts one
 * above the other in one PNG.
 *
 * <pre>{@code
 * new LinePlot("loss", "epoch", "loss").series("train", xs, trainLoss).series("val", xs, valLoss)
 *         .mark(9, "stage colour").write(Path.of("loss.png"), 640, 360);
 * }</pre>
 */
public final class LinePlot {
    /**
     * Tableau's ten colours, told apart by most people, then six picked in the hues and lightness they leave free;
     * series past these get {@link #colour} hues.
     */
    private static final int[] PALETTE = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
            0x7f7f7f, 0xbcbd22, 0x17becf, 0x000000, 0x1a1a80, 0x80b000, 0x008060, 0xb000b0, 0x806000};
    private static final Color MARK = new Color(0x555555);

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();

    private record Series(String name, double[] x, double[] y, Color colour) {
    }

    private record Mark(double x, String label) {
    }

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A series in the next colour of {@link #colour}. */
    public LinePlot series(String name, double[] x, double[] y) {
        return series(name, x, y, colour(series.size()));
    }

    /** A series in a given colour: to keep one thing in one colour across several charts. */
    public LinePlot series(String name, double[] x, double[] y, Color colour) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length
                    + " y values");
        }
        if (series.stream().anyMatch(s -> s.name.equals(name))) {
            throw new IllegalArgumentException("two series named " + name);
        }
        series.add(new Series(name, x.clone(), y.clone(), colour));
        return this;
    }

    /** A vertical line at {@code x} with {@code label} at its top. */
    public LinePlot mark(double x, String label) {
        marks.add(new Mark(x, label));
        return this;
    }

    /**
     * The colour of series {@code i}: sixteen fixed colours, then hues a golden angle apart (which never repeat),
     * darkened enough to read on white.
     */
    public static Color colour(int i) {
        if (i < PALETTE.length) {
            return new Color(PALETTE[i]);
        }
        float hue = (float) ((i - PALETTE.length) * 0.618033988749895 % 1.0);
        return Color.getHSBColor(hue, 0.75f, 0.7f);
    }

    public void write(Path png, int width, int height) {
        writeStacked(png, width, height, this);
    }

    /** Several charts, each {@code width x panelHeight}, one above the other in one PNG. */
    public static void writeStacked(Path png, int width, int panelHeight, LinePlot... plots) {
        BufferedImage image = new BufferedImage(width, panelHeight * plots.length, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            for (int i = 0; i < plots.length; i++) {
                g.drawImage(plots[i].render(width, panelHeight), 0, i * panelHeight, null);
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

    /** This chart as an image. */
    public BufferedImage render(int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        XYStyler style = chart.getStyler();
        style.setChartBackgroundColor(Color.WHITE);
        style.setPlotBackgroundColor(Color.WHITE);
        style.setPlotBorderColor(Color.DARK_GRAY);
        style.setChartTitleBoxVisible(false);
        // beside the plot, one series a line: never over a curve, and long names do not run off the image
        style.setLegendPosition(Styler.LegendPosition.OutsideE);
        style.setLegendLayout(Styler.LegendLayout.Vertical);
        style.setXAxisDecimalPattern("0.###");
        style.setYAxisDecimalPattern("0.###");
        style.setLegendBorderColor(Color.WHITE);
        style.setMarkerSize(5);
        style.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        style.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        style.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        style.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        style.setAnnotationTextFontColor(MARK);
        style.setAnnotationLineColor(MARK);
        style.setAnnotationLineStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {4f, 3f}, 0f));
        double top = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            int[] finite = IntStream.range(0, s.x.length)
                    .filter(j -> Double.isFinite(s.x[j]) && Double.isFinite(s.y[j])).toArray();
            if (finite.length == 0) {
                continue; // XChart refuses an empty series; the name still says nothing was measured
            }
            double[] y = Arrays.stream(finite).mapToDouble(j -> s.y[j]).toArray();
            XYSeries line = chart.addSeries(s.name, Arrays.stream(finite).mapToDouble(j -> s.x[j]).toArray(), y);
            line.setLineColor(s.colour);
            line.setMarkerColor(s.colour);
            line.setMarker(SeriesMarkers.CIRCLE);
            top = Math.max(top, Arrays.stream(y).max().orElseThrow());
        }
        roundXTicks(chart);
        for (Mark m : marks) {
            chart.addAnnotation(new AnnotationLine(m.x, true, false));
            if (Double.isFinite(top)) {
                chart.addAnnotation(new AnnotationText(m.label, m.x, top, false));
            }
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * XChart puts the ticks of an x axis whose values are equally spaced (epochs 1, 2, ... 50) on every k-th value
     * (1, 12, 23, ...), ignoring its tick spacing hint. One invisible point a hair left of the first value breaks
     * the spacing, and the axis gets round steps (10, 20, ...) at the hint's density like any other numeric axis.
     */
    private static void roundXTicks(XYChart chart) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double yAtMin = Double.NaN;
        for (XYSeries s : chart.getSeriesMap().values()) {
            double[] x = s.getXData();
            double[] y = s.getYData();
            for (int i = 0; i < x.length; i++) {
                if (x[i] < min) {
                    min = x[i];
                    yAtMin = y[i];
                }
                max = Math.max(max, x[i]);
            }
        }
        if (!(max > min)) {
            return; // one x value or none: nothing to space
        }
        XYSeries anchor = chart.addSeries(" tick anchor", new double[] {min - (max - min) * 1e-9},
                new double[] {yAtMin});
        anchor.setShowInLegend(false);
        anchor.setMarker(SeriesMarkers.NONE);
        anchor.setLineColor(new Color(0, 0, 0, 0));
    }
}
