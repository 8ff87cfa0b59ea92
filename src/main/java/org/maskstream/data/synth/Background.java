package org.maskstream.data.synth;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A scene's background: low-saturation colours only, so no background passes for a named object colour.
 *
 * @param rgbA      the flat colour, the gradient's start, or the noise's mean (unused by a texture)
 * @param rgbB      the gradient's end (unused otherwise)
 * @param angle     the gradient's direction in radians
 * @param noiseSeed the seed of the per-pixel noise, or of the texture
 */
public record Background(Kind kind, int rgbA, int rgbB, double angle, long noiseSeed) {
    /** Amplitude of the uniform per-channel noise of {@link Kind#NOISE}, in 8-bit levels either side. */
    static final int NOISE_AMPLITUDE = 28;

    /**
     * {@link #TEXTURED} is a {@link Texture#PLAID}, only on request ({@link SceneVariety#background()}): the
     * training augmentation's family, so {@link Texture#CLOUDS} stays one no generated scene shows.
     */
    public enum Kind { FLAT, GRADIENT, NOISE, TEXTURED }

    /** The kinds a scene gets by default, in the order the random draw has always indexed. */
    private static final Kind[] PLAIN = {Kind.FLAT, Kind.GRADIENT, Kind.NOISE};

    static Background random(SplittableRandom rnd) {
        Kind kind = PLAIN[rnd.nextInt(PLAIN.length)];
        return new Background(kind, mutedColour(rnd), mutedColour(rnd), rnd.nextDouble(2 * Math.PI), rnd.nextLong());
    }

    /** A procedural plaid between two muted colours, all drawn from {@code seed}. */
    static Background textured(long seed) {
        return new Background(Kind.TEXTURED, 0, 0, 0, seed);
    }

    /** A colour no named object colour is near (every channel within 22 levels of one luminance). */
    static int mutedColour(RandomGenerator rnd) {
        int luminance = 70 + rnd.nextInt(131);
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            rgb |= clamp(luminance + rnd.nextInt(-22, 23)) << shift;
        }
        return rgb;
    }

    /** Fills {@code pixels} (row-major {@code size x size}, {@code 0xRRGGBB}). */
    void paint(int[] pixels, int size) {
        SplittableRandom noise = new SplittableRandom(noiseSeed);
        int[] texture = kind == Kind.TEXTURED ? Texture.PLAID.paint(size, size, noise) : null;
        double dx = Math.cos(angle);
        double dy = Math.sin(angle);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = switch (kind) {
                    case FLAT -> rgbA;
                    case GRADIENT -> {
                        // projection on the direction spans [-sqrt(2)/2, sqrt(2)/2] over the square: map it to [0, 1]
                        double t = ((x + 0.5) / size - 0.5) * dx + ((y + 0.5) / size - 0.5) * dy;
                        yield mix(rgbA, rgbB, Math.min(1, Math.max(0, t / Math.sqrt(2) + 0.5)));
                    }
                    case NOISE -> {
                        int c = 0;
                        for (int shift = 16; shift >= 0; shift -= 8) {
                            int v = ((rgbA >> shift) & 0xFF) + noise.nextInt(-NOISE_AMPLITUDE, NOISE_AMPLITUDE + 1);
                            c |= clamp(v) << shift;
                        }
                        yield c;
                    }
                    case TEXTURED -> texture[y * size + x];
                };
                pixels[y * size + x] = rgb;
            }
        }
    }

    /** {@code a} at {@code t = 0} to {@code b} at {@code t = 1}, per channel. */
    static int mix(int a, int b, double t) {
        int c = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double v = ((a >> shift) & 0xFF) * (1 - t) + ((b >> shift) & 0xFF) * t;
            c |= clamp((int) Math.round(v)) << shift;
        }
        return c;
    }

    static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
