package org.maskstream.grounding;

/**
 * An axis-aligned box, {@code x0 <= x1}, {@code y0 <= y1}, in whatever unit its producer states (normalised to the
 * image by the box coder, pixels of the original image in a {@link Detection}).
 */
public record Box(double x0, double y0, double x1, double y1) {
    public Box {
        if (!(x0 <= x1 && y0 <= y1)) {
            throw new IllegalArgumentException("box corners out of order: " + x0 + "," + y0 + " - " + x1 + "," + y1);
        }
    }

    public double width() {
        return x1 - x0;
    }

    public double height() {
        return y1 - y0;
    }

    public double area() {
        return width() * height();
    }

    public double centreX() {
        return (x0 + x1) / 2;
    }

    public double centreY() {
        return (y0 + y1) / 2;
    }

    /** Intersection over union; 0 when both are empty. */
    public double iou(Box o) {
        double iw = Math.min(x1, o.x1) - Math.max(x0, o.x0);
        double ih = Math.min(y1, o.y1) - Math.max(y0, o.y0);
        double inter = iw > 0 && ih > 0 ? iw * ih : 0;
        double union = area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** This box scaled by {@code sx, sy} and clipped to {@code [0, sx] x [0, sy]} (normalised to pixels). */
    public Box scaledClipped(double sx, double sy) {
        double a = clip(x0 * sx, sx);
        double b = clip(y0 * sy, sy);
        return new Box(a, b, Math.max(a, clip(x1 * sx, sx)), Math.max(b, clip(y1 * sy, sy)));
    }

    private static double clip(double v, double max) {
        return Math.max(0, Math.min(max, v));
    }
}
