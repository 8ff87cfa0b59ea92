package org.maskstream.data.synth;

import java.awt.Shape;
import java.awt.geom.AffineTransform;

/**
 * One object of a synthetic scene.
 *
 * @param cx     centre, pixels from the left
 * @param cy     centre, pixels from the top
 * @param radius nominal radius in pixels (see {@link ShapeKind})
 * @param rgb    the drawn colour, {@code 0xRRGGBB}: the named colour with a small jitter
 * @param angle  turn about the centre in radians, clockwise on screen (y points down); 0 unless the scene was
 *               generated with rotation ({@link SceneVariety#rotate()})
 */
public record SceneObject(ShapeKind shape, ObjectColour colour, double cx, double cy, double radius, int rgb,
                          double angle) {

    /** An object upright, as every scene without rotation draws it. */
    public SceneObject(ShapeKind shape, ObjectColour colour, double cx, double cy, double radius, int rgb) {
        this(shape, colour, cx, cy, radius, rgb, 0);
    }

    public Shape outline() {
        Shape upright = shape.outline(cx, cy, radius);
        // a circle looks the same turned, and Java2D turns an ellipse into a slower path of curves
        return shape == ShapeKind.CIRCLE ? upright : turned(upright);
    }

    /**
     * {@code s} turned with this object about its centre, so what sits on the object (a hat) turns with it. The
     * centre is each shape's centroid, so a turn moves no object: position references, which compare centres,
     * hold as they did.
     */
    Shape turned(Shape s) {
        // upright objects keep Java2D's own shapes, so scenes without rotation rasterise exactly as before
        return angle == 0 ? s : AffineTransform.getRotateInstance(angle, cx, cy).createTransformedShape(s);
    }

    /** The same object with another shape or colour, as an edit leaves it. */
    public SceneObject with(ShapeKind newShape, ObjectColour newColour) {
        return new SceneObject(newShape, newColour, cx, cy, radius, newColour == colour ? rgb : newColour.rgb(),
                angle);
    }

    /** The same object moved to centre {@code (x, y)}. */
    public SceneObject at(double x, double y) {
        return new SceneObject(shape, colour, x, y, radius, rgb, angle);
    }
}
