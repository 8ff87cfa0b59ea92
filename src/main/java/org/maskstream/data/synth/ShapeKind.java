package org.maskstream.data.synth;

import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/** The shapes a synthetic scene draws, each sized by a nominal radius {@code r} around its centre. */
public enum ShapeKind {
    CIRCLE,
    /** Half-side {@code 0.8 r}, so a square looks about as heavy as a circle of the same radius. */
    SQUARE,
    /** Equilateral, pointing up, circumradius {@code r}, centred on its circumcentre. */
    TRIANGLE,
    /** Five points at radius {@code r}, inner radius {@code 0.5 r}: chunky enough to stay a star at 64 px. */
    STAR;

    /** The outline in pixel coordinates (y down). */
    public Shape outline(double cx, double cy, double r) {
        return switch (this) {
            case CIRCLE -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case SQUARE -> new Rectangle2D.Double(cx - 0.8 * r, cy - 0.8 * r, 1.6 * r, 1.6 * r);
            case TRIANGLE -> polygon(cx, cy, 3, r, r);
            case STAR -> polygon(cx, cy, 5, r, 0.5 * r);
        };
    }

    /** A regular polygon (outer == inner) or star, first vertex straight up. */
    private static Shape polygon(double cx, double cy, int points, double outer, double inner) {
        boolean star = inner != outer;
        int vertices = star ? 2 * points : points;
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < vertices; i++) {
            double radius = star && i % 2 == 1 ? inner : outer;
            double angle = -Math.PI / 2 + 2 * Math.PI * i / vertices;
            double x = cx + radius * Math.cos(angle);
            double y = cy + radius * Math.sin(angle);
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }
}
