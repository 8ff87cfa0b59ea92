package org.maskstream.train;

import org.maskstream.data.Example;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one augmentation: a mirror image, whose instruction must say "right" where it said "left" (and back), or
 * the flipped example would teach the opposite of the truth.
 */
public final class HorizontalFlip {
    private static final Map<String, String> MIRRORED = Map.of(
            "left", "right", "right", "left",
            "leftmost", "rightmost", "rightmost", "leftmost");
    private static final Pattern SIDES = Pattern.compile("\\b(leftmost|rightmost|left|right)\\b",
            Pattern.CASE_INSENSITIVE);

    private HorizontalFlip() {
    }

    public static Example apply(Example e) {
        return new Example(e.id() + "#flip", flipImage(e.image()), mirrorInstruction(e.instruction()),
                e.mask() == null ? null : e.mask().flipHorizontal());
    }

    /** Swaps left and right words, keeping an initial capital. */
    public static String mirrorInstruction(String instruction) {
        Matcher m = SIDES.matcher(instruction);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String word = m.group(1);
            String swapped = MIRRORED.get(word.toLowerCase(java.util.Locale.ROOT));
            if (Character.isUpperCase(word.charAt(0))) {
                swapped = Character.toUpperCase(swapped.charAt(0)) + swapped.substring(1);
            }
            m.appendReplacement(out, swapped);
        }
        m.appendTail(out);
        return out.toString();
    }

    static BufferedImage flipImage(BufferedImage image) {
        int w = image.getWidth();
        BufferedImage out = new BufferedImage(w, image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, w, 0, -w, image.getHeight(), null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
