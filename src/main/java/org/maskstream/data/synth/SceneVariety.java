package org.maskstream.data.synth;

/**
 * What {@link SceneGenerator} varies beyond its default scenes, so a dataset need not look like the one generator
 * the benchmark is built from. {@link #NONE} gives the default scenes exactly. Every choice draws from a random
 * stream of its own per scene, apart from the one that lays the scene out, so a seed still fixes every file.
 *
 * @param background {@link Backdrop#PLAIN} keeps the flat, gradient and noise backgrounds; the others put a
 *                   procedural texture ({@link Background.Kind#TEXTURED}) behind the objects of every scene, or of
 *                   about half of them
 * @param rotate     turn each object about its centre by its own angle, uniform over the full turn; its mask is
 *                   the same turned outline, and the scene is checked (references, visibility) after turning
 * @param minScale   each object's radius is multiplied by a factor uniform in {@code [minScale, maxScale]} before
 *                   the scene is placed and checked, so a size reference names whichever object is largest or
 *                   smallest by the margin after scaling
 * @param maxScale   see {@code minScale}
 * @param noise      standard deviation of Gaussian pixel noise, in 8-bit levels, on every rendered image (not on
 *                   the mask); 0 for none
 */
public record SceneVariety(Backdrop background, boolean rotate, double minScale, double maxScale, double noise) {
    /** Below this, objects shrink to a few pixels at the smallest scene size. */
    public static final double MIN_SCALE = 0.5;
    /** Above this, two objects at the largest radius no longer fit a scene apart. */
    public static final double MAX_SCALE = 2.0;
    /** Above this, the noise drowns the colour differences instructions rely on. */
    public static final double MAX_NOISE = 64;

    public static final SceneVariety NONE = new SceneVariety(Backdrop.PLAIN, false, 1, 1, 0);

    public enum Backdrop {
        PLAIN, TEXTURED,
        /** Each scene textured or not by a fair coin from its own seed. */
        MIXED
    }

    public SceneVariety {
        if (background == null) {
            throw new IllegalArgumentException("background choice missing");
        }
        if (!(minScale >= MIN_SCALE && minScale <= maxScale && maxScale <= MAX_SCALE)) {
            throw new IllegalArgumentException("object scale " + minScale + "-" + maxScale + " must be a range within "
                    + MIN_SCALE + "-" + MAX_SCALE + ", lower bound first");
        }
        if (!(noise >= 0 && noise <= MAX_NOISE)) {
            throw new IllegalArgumentException("noise " + noise + " must be from 0 to " + MAX_NOISE + " levels");
        }
    }

    /** Whether objects are scaled at all: a range of exactly 1 leaves radii as drawn. */
    boolean scales() {
        return minScale != 1 || maxScale != 1;
    }
}
