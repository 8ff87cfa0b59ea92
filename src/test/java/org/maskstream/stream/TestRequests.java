package org.maskstream.stream;

import org.maskstream.avro.EditRequest;
import org.maskstream.data.Mask;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

/** Small synthetic edit requests for stream tests: a colored rectangle on a noisy background, its mask the truth. */
final class TestRequests {
    static final int SIZE = 32;

    private TestRequests() {
    }

    static EditRequest request(String id, long seed, boolean labeled, Instant eventTime) {
        Random rnd = new Random(seed);
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int g = 40 + rnd.nextInt(60);
                image.setRGB(x, y, new Color(g, g, g).getRGB());
            }
        }
        int w = 6 + rnd.nextInt(14);
        int h = 6 + rnd.nextInt(14);
        int x0 = rnd.nextInt(SIZE - w);
        int y0 = rnd.nextInt(SIZE - h);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(230, 40, 40));
        g.fillRect(x0, y0, w, h);
        g.dispose();
        boolean[] px = new boolean[SIZE * SIZE];
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                px[y * SIZE + x] = true;
            }
        }
        return EditRequest.newBuilder()
                .setId(id)
                .setEventTime(eventTime)
                .setImage(ByteBuffer.wrap(org.maskstream.data.Images.encodePng(image)))
                .setInstruction("paint the red box blue")
                .setGroundTruthMask(labeled ? ByteBuffer.wrap(org.maskstream.data.Images.encodePng(new Mask(SIZE, SIZE, px).toImage())) : null)
                .setAttributes(Map.of("seed", Long.toString(seed)))
                .build();
    }
}
