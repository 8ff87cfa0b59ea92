package org.maskstream.data.synth;

import java.awt.Shape;

/**
 * One object of a synthetic scene.
 *
 * @param cx     centre, pixels from the left
 * @param cy     centre, pixels from the top
 * @param radius nominal radius in pixels (see {@link ShapeKind})
 * @param rgb    the drawn colour, {@code 0xRRGGBB}: the named colour with a small jitter
 */
public record SceneObject(ShapeKind shape, ObjectColour colour, double cx, double cy, double radius, int rgb) {

    public Shape outline() {
        return shape.outline(cx, cy, radius);
    }

    /** The same object with another shape or colour, as an edit leaves it. */
    public SceneObject with(ShapeKind newShape, ObjectColour newColour) {
        return new SceneObject(newShape, newColour, cx, cy, radius,
                newColour == colour ? rgb : newColour.rgb());
    }
}
