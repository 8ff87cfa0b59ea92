package org.maskstream.data.synth;

/**
 * How an instruction singles out its object. The generator only emits a reference that exactly one object of the
 * scene satisfies (see {@link SceneGenerator} for the margins).
 *
 * <p>Mirroring the image horizontally turns a {@link Side#LEFT} reference into a {@link Side#RIGHT} one and back;
 * colour and size references, and top/bottom, survive the flip. Augmentation that flips images must rewrite the
 * instruction with {@link Phrasing#mirrorLeftRight(String)}.
 */
public sealed interface Reference {

    /** The manifest's short name of the reference kind: {@code colour}, {@code position} or {@code size}. */
    default String kind() {
        if (this instanceof ByColour) {
            return "colour";
        }
        return this instanceof ByPosition ? "position" : "size";
    }

    ShapeKind shape();

    /** "the blue star": the only object of that colour and shape. */
    record ByColour(ObjectColour colour, ShapeKind shape) implements Reference {
    }

    /** "the circle on the left": the extreme one, by a margin, of at least two objects of that shape. */
    record ByPosition(ShapeKind shape, Side side) implements Reference {
    }

    /** "the largest triangle": the extreme one, by a margin, of at least two objects of that shape. */
    record BySize(ShapeKind shape, Extreme extreme) implements Reference {
    }

    enum Side {
        LEFT, RIGHT, TOP, BOTTOM;

        public boolean horizontal() {
            return this == LEFT || this == RIGHT;
        }

        /** The object coordinate this side sorts by, negated where the side is the low end. */
        double score(SceneObject o) {
            return switch (this) {
                case LEFT -> -o.cx();
                case RIGHT -> o.cx();
                case TOP -> -o.cy();
                case BOTTOM -> o.cy();
            };
        }
    }

    enum Extreme {
        LARGEST, SMALLEST;

        double score(SceneObject o) {
            return this == LARGEST ? o.radius() : -o.radius();
        }
    }
}
