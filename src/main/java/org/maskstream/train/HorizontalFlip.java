package org.maskstream.train;

import org.maskstream.data.Example;
import org.maskstream.data.synth.Phrasing;

import java.awt.image.BufferedImage;

/**
 * The one augmentation: a mirror image, whose instruction must say "right" where it said "left" (and back), or
 * the flipped example would teach the opposite of the truth ({@link Phrasing#mirrorLeftRight}, which also knows the
 * paraphrase wording).
 */
public final class HorizontalFlip {
    private HorizontalFlip() {
    }

    public static Example apply(Example e) {
        return new Example(e.id() + "#flip", flipImage(e.image()), Phrasing.mirrorLeftRight(e.instruction()),
                e.mask() == null ? null : e.mask().flipHorizontal());
    }

    static BufferedImage flipImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] px = image.getRGB(0, 0, w, h, null, 0, w);
        int[] mirrored = new int[px.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                mirrored[y * w + x] = px[y * w + (w - 1 - x)];
            }
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, mirrored, 0, w);
        return out;
    }
}
