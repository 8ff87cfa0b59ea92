package org.maskstream.train;

import org.maskstream.data.Corruptions;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.data.Rotation;
import org.maskstream.data.synth.Texture;
import org.maskstream.model.Choice;
import org.maskstream.model.ImagePixels;
import org.maskstream.model.PreparedExample;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Training-time image changes that keep the instruction true, each applied to a share of the examples of every
 * step ({@link #probability}: half the examples stay clean whatever the number of augmentations) with a strength
 * drawn from the training seed's random stream. They work on the scratch image encoder's prepared pixels: the
 * photometric ones on the first three planes, leaving a prior's planes and the mask alone; {@link #ROTATION} turns
 * every plane and the mask together.
 */
public enum Augmentation implements Choice {
    /** Gaussian noise, standard deviation 4 to 20 levels of 255. */
    NOISE,
    /** Gaussian blur, standard deviation 0.5 to 1.5 px. */
    BLUR,
    /** A JPEG round trip at quality 20 to 70. */
    JPEG,
    /**
     * The background replaced by a procedural plaid ({@link Texture#PLAID}) in muted colours. Background is what
     * is not saturated: the synthetic scenes draw objects in saturated colours on muted backgrounds, so this suits
     * generated data, not photos.
     */
    TEXTURE,
    /**
     * A round trip through a random resolution from 48 to 160 px (bilinear both ways): detail lost or invented as a
     * photo of another size brings it. Not in {@link #DEFAULTS}: not measured yet.
     */
    RESOLUTION,
    /**
     * Hue turned by at most 8 degrees either way (the generator's closest colours, red and orange, are 30 apart,
     * so every colour keeps its name), saturation and brightness scaled by 0.8 to 1.2. Not in {@link #DEFAULTS}:
     * not measured yet.
     */
    COLOUR,
    /**
     * Every plane and the mask turned together about the centre by up to {@value #MAX_ROTATION_DEGREES} degrees
     * either way (nearest neighbour, so the mask keeps exactly the turned object's pixels; the corners repeat the
     * edges): objects at angles the data may not draw them at. Without the scene it cannot check what the test's
     * rotation checks, so a position reference between two objects at nearly the same place can come to name the
     * other one: rare under the generator's margins, and the price of needing nothing but the image.
     */
    ROTATION;

    /** What {@code train} applies unless told otherwise ({@code --augment}), as measured in robustness.md. */
    public static final List<Augmentation> DEFAULTS = List.of(NOISE, BLUR, JPEG, TEXTURE, ROTATION);

    /** Pixels whose channels spread less than this (of 255) count as background for {@link #TEXTURE}. */
    static final int MAX_BACKGROUND_CHROMA = 90;
    /** The largest turn {@link #ROTATION} draws, either way. */
    static final double MAX_ROTATION_DEGREES = 30;
    /** Share of the examples of a step that no augmentation touches. */
    static final double CLEAN_SHARE = 0.5;

    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the choices */
    public static Augmentation parse(String id) {
        return Choice.parse(Augmentation.class, "augmentation", id.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * How often each of {@code count} augmentations applies, independently, so that {@link #CLEAN_SHARE} of the
     * examples get none: {@code 1 - CLEAN_SHARE^(1/count)} (0.5 alone, 0.16 each of four).
     */
    static double probability(int count) {
        return 1 - Math.pow(CLEAN_SHARE, 1.0 / count);
    }

    /** The example with this augmentation with {@code probability}; {@code size} is the prepared image's side. */
    PreparedExample maybeApply(PreparedExample e, int size, double probability, Random random) {
        if (random.nextDouble() >= probability) {
            return e;
        }
        if (this == ROTATION) {
            double degrees = (random.nextDouble() * 2 - 1) * MAX_ROTATION_DEGREES;
            return rotated(e, new Rotation(size, size, Math.toRadians(degrees)).sourcesRepeatingEdges());
        }
        UnaryOperator<BufferedImage> change = switch (this) {
            case NOISE -> {
                double sigma = 4 + 16 * random.nextDouble();
                yield image -> Corruptions.noise(image, sigma, random);
            }
            case BLUR -> {
                double sigma = 0.5 + random.nextDouble();
                yield image -> Corruptions.blur(image, sigma);
            }
            case JPEG -> {
                float quality = 0.2f + 0.5f * random.nextFloat();
                yield image -> Corruptions.jpeg(image, quality);
            }
            case TEXTURE -> image -> Corruptions.replaceBackground(image, saturated(image),
                    Texture.PLAID.paint(size, size, random));
            case RESOLUTION -> {
                int side = 48 + random.nextInt(160 - 48 + 1);
                yield image -> Images.resizeSquare(Images.resizeSquare(image, side), size);
            }
            case COLOUR -> {
                float hue = (random.nextFloat() * 2 - 1) * 8;
                float saturation = 0.8f + 0.4f * random.nextFloat();
                float brightness = 0.8f + 0.4f * random.nextFloat();
                yield image -> Corruptions.colourJitter(image, hue, saturation, brightness);
            }
            case ROTATION -> throw new AssertionError("geometric, handled above");
        };
        return new PreparedExample(planes(change.apply(image(e.image(), size)), e.image()), e.text(), e.mask());
    }

    /** Every {@code size x size} plane of the image, and the mask, with output pixel {@code i} from {@code source[i]}. */
    private static PreparedExample rotated(PreparedExample e, int[] source) {
        return new PreparedExample(remapped(e.image(), source), e.text(),
                e.mask() == null ? null : remapped(e.mask(), source));
    }

    private static float[] remapped(float[] planes, int[] source) {
        int plane = source.length;
        if (planes.length % plane != 0) {
            throw new IllegalArgumentException("cannot rotate " + planes.length + " values as planes of " + plane
                    + " pixels");
        }
        float[] out = new float[planes.length];
        for (int p = 0; p < planes.length; p += plane) {
            for (int i = 0; i < plane; i++) {
                out[p + i] = planes[p + source[i]];
            }
        }
        return out;
    }

    /** The pixels an object colour could be: every one whose channels spread at least the background's limit. */
    static Mask saturated(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        boolean[] keep = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = image.getRGB(x, y);
                int r = (p >> 16) & 0xFF;
                int g = (p >> 8) & 0xFF;
                int b = p & 0xFF;
                keep[y * w + x] = Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) >= MAX_BACKGROUND_CHROMA;
            }
        }
        return new Mask(w, h, keep);
    }

    /** The first three planes ({@code [-1, 1]} RGB, as {@code ImagePixels.chw} makes them) as an image. */
    private static BufferedImage image(float[] chw, int size) {
        int plane = size * size;
        if (chw.length < 3 * plane) {
            throw new IllegalArgumentException("an augmentation needs 3 RGB planes of " + size + " x " + size
                    + " pixels, got " + chw.length + " values");
        }
        int[] px = new int[plane];
        for (int i = 0; i < plane; i++) {
            px[i] = level(chw[i]) << 16 | level(chw[plane + i]) << 8 | level(chw[2 * plane + i]);
        }
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, size, size, px, 0, size);
        return out;
    }

    /** {@code image}'s pixels in place of {@code original}'s first three planes; later planes copied. */
    private static float[] planes(BufferedImage image, float[] original) {
        float[] out = original.clone();
        float[] rgb = ImagePixels.chw(image, image.getWidth());
        System.arraycopy(rgb, 0, out, 0, rgb.length);
        return out;
    }

    private static int level(float v) {
        return Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
    }
}
