package org.maskstream.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinePlotTest {
    @TempDir
    Path dir;

    @Test
    void stackedPanelsAreWrittenWithEachSeriesInItsColour() throws IOException {
        double[] x = {1, 2, 3};
        LinePlot loss = new LinePlot("loss", "epoch", "loss").series("train", x, new double[] {1, 0.5, 0.2});
        LinePlot iou = new LinePlot("IoU", "epoch", "IoU").series("train", x, new double[] {0.1, Double.NaN, 0.9})
                .series("val", x, new double[] {0.2, 0.4, 0.8});
        Path png = dir.resolve("sub/curves.png");
        LinePlot.writeStacked(png, 400, 250, loss, iou);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(400, image.getWidth());
        assertEquals(500, image.getHeight());
        int first = LinePlot.colour(0).getRGB() & 0xFFFFFF;
        int second = LinePlot.colour(1).getRGB() & 0xFFFFFF;
        assertTrue(count(image, 0, 250, first) > 50, "first series colour missing in the top panel");
        assertTrue(count(image, 250, 500, second) > 50, "second series colour missing in the bottom panel");
        assertEquals(0, count(image, 0, 250, second), "the top panel has one series only");
    }

    @Test
    void seriesColoursNeverRepeat() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertTrue(seen.add(LinePlot.colour(i).getRGB()), "colour " + i + " repeats an earlier one");
        }
    }

    @Test
    void aMarkDrawsAVerticalLineAtItsX() {
        double[] x = {1, 2, 3, 4};
        double[] y = {0.1, 0.2, 0.3, 0.4};
        BufferedImage plain = new LinePlot("t", "epoch", "y").series("s", x, y).render(400, 250);
        BufferedImage marked = new LinePlot("t", "epoch", "y").series("s", x, y).mark(3, "stage 2").render(400, 250);
        // the mark is a dashed vertical line in its own gray: a column where the plain chart has none of it
        int gray = 0x555555;
        int columns = 0;
        for (int px = 0; px < 400; px++) {
            if (column(marked, px, gray) > 40 && column(plain, px, gray) == 0) {
                columns++;
            }
        }
        assertTrue(columns >= 1 && columns <= 3, "columns with the mark: " + columns);
    }

    /** Pixels in column {@code x} of the antialiased, dashed grid's light grays. */
    private static int lightGray(BufferedImage image, int x) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            int p = image.getRGB(x, y);
            int r = (p >> 16) & 0xFF;
            n += r == ((p >> 8) & 0xFF) && r == (p & 0xFF) && r >= 180 && r < 250 ? 1 : 0;
        }
        return n;
    }

    private static int column(BufferedImage image, int x, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            n += (image.getRGB(x, y) & 0xFFFFFF) == rgb ? 1 : 0;
        }
        return n;
    }

    @Test
    void epochAxesGetRoundTickStepsWhateverTheirLength() {
        for (int epochs : new int[] {8, 50, 200}) {
            double[] x = new double[epochs];
            double[] y = new double[epochs];
            for (int i = 0; i < epochs; i++) {
                x[i] = i + 1;
                y[i] = Math.sqrt(i);
            }
            BufferedImage image = new LinePlot("t", "epoch", "y").series("s", x, y).render(640, 320);
            // XChart draws a vertical grid line at each x tick: 8 epochs get one a step, longer runs round steps
            int lines = 0;
            boolean inLine = false;
            for (int px = 0; px < image.getWidth(); px++) {
                boolean line = lightGray(image, px) > 60;
                lines += line && !inLine ? 1 : 0;
                inLine = line;
            }
            int expectedAtMost = epochs == 8 ? 8 : 11;
            assertTrue(lines >= 4 && lines <= expectedAtMost, epochs + " epochs: " + lines + " x grid lines");
        }
    }

    @Test
    void mismatchedSeriesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new LinePlot("t", "x", "y").series("s", new double[] {1}, new double[] {1, 2}));
    }

    private static int count(BufferedImage image, int fromY, int toY, int rgb) {
        int n = 0;
        for (int y = fromY; y < toY; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
