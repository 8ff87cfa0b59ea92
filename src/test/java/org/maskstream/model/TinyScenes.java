package org.maskstream.model;

import org.maskstream.data.Example;
import org.maskstream.data.Mask;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test data drawn in memory: two shapes (a red and a blue one, circle or square) side by side on a gray
 * background, and an instruction naming one of them by colour or by side; the mask is that shape.
 */
public final class TinyScenes {
    private TinyScenes() {
    }

    public static List<Example> generate(int count, int size, long seed) {
        Random random = new Random(seed);
        List<Example> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            BufferedImage[] shapeMasks = new BufferedImage[2];
            Graphics2D g = image.createGraphics();
            g.setColor(Color.GRAY);
            g.fillRect(0, 0, size, size);
            boolean redOnLeft = random.nextBoolean();
            String[] kinds = new String[2];
            for (int side = 0; side < 2; side++) {
                int r = size / 8 + random.nextInt(size / 8);
                int cx = side == 0 ? r + random.nextInt(size / 2 - 2 * r) : size / 2 + r + random.nextInt(size / 2 - 2 * r);
                int cy = r + random.nextInt(size - 2 * r);
                boolean circle = random.nextBoolean();
                kinds[side] = circle ? "circle" : "square";
                boolean red = (side == 0) == redOnLeft;
                g.setColor(red ? Color.RED : Color.BLUE);
                shapeMasks[side] = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
                Graphics2D m = shapeMasks[side].createGraphics();
                m.setColor(Color.WHITE);
                if (circle) {
                    g.fillOval(cx - r, cy - r, 2 * r, 2 * r);
                    m.fillOval(cx - r, cy - r, 2 * r, 2 * r);
                } else {
                    g.fillRect(cx - r, cy - r, 2 * r, 2 * r);
                    m.fillRect(cx - r, cy - r, 2 * r, 2 * r);
                }
                m.dispose();
            }
            g.dispose();
            int target = random.nextInt(2);
            boolean targetRed = (target == 0) == redOnLeft;
            String instruction = random.nextBoolean()
                    ? "paint the " + (targetRed ? "red " : "blue ") + kinds[target] + " green"
                    : "remove the " + kinds[target] + " on the " + (target == 0 ? "left" : "right");
            out.add(new Example("scene-" + n, image, instruction, Mask.fromImage(shapeMasks[target])));
        }
        return out;
    }
}
