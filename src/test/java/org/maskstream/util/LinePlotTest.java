package org.maskstream.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

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
        LinePlot.writeStacked(png, 300, 200, loss, iou);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(300, image.getWidth());
        assertEquals(400, image.getHeight());
        assertTrue(count(image, 0, 200, 0x1f77b4) > 50, "first series colour missing in the top panel");
        assertTrue(count(image, 200, 400, 0xd62728) > 50, "second series colour missing in the bottom panel");
        assertEquals(0, count(image, 0, 200, 0xd62728), "the top panel has one series only");
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
