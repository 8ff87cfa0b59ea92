package org.maskstream.train;

import org.maskstream.data.Example;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.data.synth.Phrasing;

import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The augmentations: mirror images, whose instruction must name the mirrored side ("right" where it said "left",
 * "bottom" where it said "top"), or the mirrored example would teach the opposite of the truth. Left/right words
 * come from {@link Phrasing#mirrorLeftRight} (which knows the paraphrase wording too); top/bottom words are the
 * generator's ({@code top}, {@code bottom} and the paraphrase's {@code uppermost}/{@code lowermost},
 * {@code highest}/{@code lowest}).
 */
public enum Mirror {
    HORIZONTAL, VERTICAL;

    private static final Map<String, String> TOP_BOTTOM = Map.of("top", "bottom", "bottom", "top",
            "uppermost", "lowermost", "lowermost", "uppermost", "highest", "lowest", "lowest", "highest");
    private static final Pattern WORD = Pattern.compile("[A-Za-z]+");

    public Example apply(Example e) {
        String suffix = this == HORIZONTAL ? "#hflip" : "#vflip";
        return new Example(e.id() + suffix, image(e.image()), instruction(e.instruction()),
                e.mask() == null ? null : mask(e.mask()));
    }

    String instruction(String text) {
        return this == HORIZONTAL ? Phrasing.mirrorLeftRight(text) : mirrorTopBottom(text);
    }

    private static String mirrorTopBottom(String text) {
        Matcher m = WORD.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String word = m.group();
            String swapped = TOP_BOTTOM.get(word.toLowerCase(Locale.ROOT));
            m.appendReplacement(out, swapped == null ? word : Character.isUpperCase(word.charAt(0))
                    ? Character.toUpperCase(swapped.charAt(0)) + swapped.substring(1) : swapped);
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Source index of output pixel (x, y) in a row-major w x h grid. */
    private int source(int x, int y, int w, int h) {
        return this == HORIZONTAL ? y * w + (w - 1 - x) : (h - 1 - y) * w + x;
    }

    BufferedImage image(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] px = Images.argb(image);
        int[] mirrored = new int[px.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                mirrored[y * w + x] = px[source(x, y, w, h)];
            }
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, mirrored, 0, w);
        return out;
    }

    Mask mask(Mask mask) {
        int w = mask.width();
        int h = mask.height();
        boolean[] px = mask.pixels();
        boolean[] mirrored = new boolean[px.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                mirrored[y * w + x] = px[source(x, y, w, h)];
            }
        }
        return new Mask(w, h, mirrored);
    }
}
