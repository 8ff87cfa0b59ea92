package org.maskstream.grounding;

/**
 * The TensorFlow Object Detection API's SSD box coder ({@code faster_rcnn_box_coder}), decoding one anchor's
 * encoding with scale factors {@code sxy} (centre) and {@code swh} (size):
 * <pre>
 *   cx = tx / sxy * wa + cxa        w = exp(tw / swh) * wa
 *   cy = ty / sxy * ha + cya        h = exp(th / swh) * ha
 * </pre>
 * The ONNX export of the detector holds both its anchors and its encodings x-first: an anchor is {@code [xmin, ymin,
 * xmax, ymax]} and an encoding {@code [tx, ty, tw, th]} (TensorFlow's own order is y-first; read that way the boxes of
 * the sample photos land transposed).
 *
 * <p>Scale factors: the API's SSD configs use 10, 10, 5, 5, and the model's README says so. Measured against boxes
 * drawn by hand on two sample photos (the stop sign of {@code mb-e008}, the car of {@code mb-e023}; see
 * {@code CocoDetectorTest}), the best-scoring box has IoU 0.66 and 0.74 with centre factor 10 but 0.86 and 0.87 with
 * centre factor 1 (size factor 5; 2 and 1 were no better), as if the export had the 1/10 folded into its box head.
 * {@link #DETECTOR} is therefore 1 and 5; {@link #TF_OD_API} is kept for graphs that follow the config. Boxes are
 * normalised to the image, not clipped.
 */
public record SsdBoxCoder(double sxy, double swh) {
    /** The factors measured for {@code ssd_mobilenet_v2_fpnlite_10_256_int8.onnx}: see the class comment. */
    public static final SsdBoxCoder DETECTOR = new SsdBoxCoder(1, 5);
    /** The TF OD API's SSD config values. */
    public static final SsdBoxCoder TF_OD_API = new SsdBoxCoder(10, 5);

    public SsdBoxCoder {
        if (!(sxy > 0 && swh > 0)) {
            throw new IllegalArgumentException("box coder scale factors must be positive, got " + sxy + ", " + swh);
        }
    }

    /**
     * @param anchors   {@code [A, 4]} row-major, x-first corners
     * @param encodings {@code [A, 4]} row-major, {@code tx, ty, tw, th}
     * @param i         the anchor
     */
    public Box decode(float[] anchors, float[] encodings, int i) {
        int o = 4 * i;
        double wa = anchors[o + 2] - anchors[o];
        double ha = anchors[o + 3] - anchors[o + 1];
        double cxa = anchors[o] + wa / 2;
        double cya = anchors[o + 1] + ha / 2;
        double cx = encodings[o] / sxy * wa + cxa;
        double cy = encodings[o + 1] / sxy * ha + cya;
        double w = Math.exp(encodings[o + 2] / swh) * wa;
        double h = Math.exp(encodings[o + 3] / swh) * ha;
        return new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }
}
