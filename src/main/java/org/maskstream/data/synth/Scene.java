package org.maskstream.data.synth;

import org.maskstream.data.Corruptions;
import org.maskstream.data.Mask;

import java.awt.Shape;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One synthetic scene with everything known about it: objects in drawing order (later ones cover earlier ones),
 * which one the instruction is about, how it is referred to and what edit is asked.
 *
 * <p>Pixels are rasterised here, not by Java2D: a pixel belongs to a shape when its centre lies inside, and there is
 * no anti-aliasing, so images and masks are identical on every JVM and the mask is exactly the drawn silhouette.
 *
 * @param size      width and height in pixels
 * @param target    index in {@code objects} of the referenced object
 * @param noise     standard deviation of the Gaussian pixel noise on every rendered image, in 8-bit levels; 0 for
 *                  none. Masks never carry it
 * @param noiseSeed the noise's seed: the same for the image and the edited image, so they differ only where the
 *                  edit changed something
 */
public record Scene(int size, Background background, List<SceneObject> objects, int target, Reference reference,
                    Edit edit, String instruction, double noise, long noiseSeed) {
    /** The drawn colour of the hat an {@link Edit.AddHat} puts on. */
    static final int HAT_RGB = 0x1E1E1E;

    public Scene {
        objects = List.copyOf(objects);
        if (target < 0 || target >= objects.size()) {
            throw new IllegalArgumentException("target " + target + " is not one of " + objects.size() + " objects");
        }
        if (!(noise >= 0)) {
            throw new IllegalArgumentException("pixel noise must be at least 0, got " + noise);
        }
    }

    /** A scene without pixel noise. */
    public Scene(int size, Background background, List<SceneObject> objects, int target, Reference reference,
                 Edit edit, String instruction) {
        this(size, background, objects, target, reference, edit, instruction, 0, 0);
    }

    public SceneObject targetObject() {
        return objects.get(target);
    }

    /** The scene as an RGB image. */
    public BufferedImage render() {
        return paint(objects, List.of());
    }

    /** The image after the edit: the target recoloured, replaced, removed or wearing a hat. */
    public BufferedImage renderEdited() {
        List<SceneObject> edited = new ArrayList<>(objects);
        SceneObject t = targetObject();
        List<Shape> overlays = List.of();
        if (edit instanceof Edit.Recolour r) {
            edited.set(target, t.with(t.shape(), r.colour()));
        } else if (edit instanceof Edit.Replace r) {
            edited.set(target, t.with(r.shape(), t.colour()));
        } else if (edit instanceof Edit.Remove) {
            edited.remove(target);
        } else {
            overlays = List.of(hat(t));
        }
        return paint(edited, overlays);
    }

    /** The visible silhouette of the target: its pixels minus those of objects drawn over it. */
    public Mask targetMask() {
        return visibleMask(target);
    }

    /** The background alone, as {@link #render()} paints it before the objects (with the same pixel noise). */
    public BufferedImage renderBackground() {
        return paint(List.of(), List.of());
    }

    /** Every pixel some object covers: where the background does not show. */
    public Mask objectsMask() {
        boolean[] px = new boolean[size * size];
        for (SceneObject o : objects) {
            boolean[] cover = coverage(o.outline(), size);
            for (int i = 0; i < px.length; i++) {
                px[i] |= cover[i];
            }
        }
        return new Mask(size, size, px);
    }

    /** The visible silhouette of object {@code index}. */
    public Mask visibleMask(int index) {
        return visibleMask(objects, index, size);
    }

    /**
     * For each object, {@code [visible pixels, pixels when alone]}: one rasterisation per object, for the generator's
     * check that objects barely hide each other.
     */
    static int[][] visibleAndFullAreas(List<SceneObject> objects, int size) {
        int n = objects.size();
        boolean[][] cover = new boolean[n][];
        for (int i = 0; i < n; i++) {
            cover[i] = coverage(objects.get(i).outline(), size);
        }
        boolean[] coveredFromAbove = new boolean[size * size];
        int[][] areas = new int[n][2];
        for (int i = n - 1; i >= 0; i--) {
            for (int p = 0; p < coveredFromAbove.length; p++) {
                if (cover[i][p]) {
                    areas[i][1]++;
                    if (!coveredFromAbove[p]) {
                        areas[i][0]++;
                    }
                    coveredFromAbove[p] = true;
                }
            }
        }
        return areas;
    }

    static Mask visibleMask(List<SceneObject> objects, int index, int size) {
        boolean[] px = coverage(objects.get(index).outline(), size);
        for (int j = index + 1; j < objects.size(); j++) {
            boolean[] above = coverage(objects.get(j).outline(), size);
            for (int i = 0; i < px.length; i++) {
                px[i] &= !above[i];
            }
        }
        return new Mask(size, size, px);
    }

    private BufferedImage paint(List<SceneObject> drawn, List<Shape> overlays) {
        int[] pixels = new int[size * size];
        background.paint(pixels, size);
        for (SceneObject o : drawn) {
            fill(pixels, o.outline(), o.rgb());
        }
        for (Shape s : overlays) {
            fill(pixels, s, HAT_RGB);
        }
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, size, size, pixels, 0, size);
        return noise == 0 ? img : Corruptions.noise(img, noise, new SplittableRandom(noiseSeed));
    }

    private void fill(int[] pixels, Shape shape, int rgb) {
        boolean[] cover = coverage(shape, size);
        for (int i = 0; i < pixels.length; i++) {
            if (cover[i]) {
                pixels[i] = rgb;
            }
        }
    }

    /** Pixels whose centre lies inside {@code shape}, tested only within its bounding box. */
    static boolean[] coverage(Shape shape, int size) {
        boolean[] px = new boolean[size * size];
        Rectangle2D b = shape.getBounds2D();
        int x0 = Math.max(0, (int) Math.floor(b.getMinX()));
        int x1 = Math.min(size - 1, (int) Math.ceil(b.getMaxX()));
        int y0 = Math.max(0, (int) Math.floor(b.getMinY()));
        int y1 = Math.min(size - 1, (int) Math.ceil(b.getMaxY()));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                px[y * size + x] = shape.contains(x + 0.5, y + 0.5);
            }
        }
        return px;
    }

    /**
     * A top hat sitting on the object's top: a brim and a crown, in proportion to the object's radius, turned with
     * the object.
     */
    private static Shape hat(SceneObject o) {
        double r = o.radius();
        double top = o.cy() - (o.shape() == ShapeKind.SQUARE ? 0.8 * r : r);
        Path2D.Double hat = new Path2D.Double();
        hat.append(new Rectangle2D.Double(o.cx() - 0.7 * r, top - 0.2 * r, 1.4 * r, 0.25 * r), false);
        hat.append(new Rectangle2D.Double(o.cx() - 0.45 * r, top - 0.9 * r, 0.9 * r, 0.75 * r), false);
        return o.turned(hat);
    }
}
