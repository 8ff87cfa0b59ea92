package org.maskstream.grounding;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SsdBoxCoderTest {
    private static final double EPS = 1e-6;
    /** Two hand-made anchors, x-first corners: a 0.2 x 0.4 box at (0.1, 0.2) and a square at the centre. */
    private static final float[] ANCHORS = {0.1f, 0.2f, 0.3f, 0.6f, 0.4f, 0.4f, 0.6f, 0.6f};

    private static void assertBox(Box b, double x0, double y0, double x1, double y1) {
        assertEquals(x0, b.x0(), EPS, "x0 of " + b);
        assertEquals(y0, b.y0(), EPS, "y0 of " + b);
        assertEquals(x1, b.x1(), EPS, "x1 of " + b);
        assertEquals(y1, b.y1(), EPS, "y1 of " + b);
    }

    @Test
    void aZeroEncodingIsTheAnchorItself() {
        float[] zero = new float[8];
        assertBox(SsdBoxCoder.TF_OD_API.decode(ANCHORS, zero, 0), 0.1, 0.2, 0.3, 0.6);
        assertBox(SsdBoxCoder.DETECTOR.decode(ANCHORS, zero, 1), 0.4, 0.4, 0.6, 0.6);
    }

    @Test
    void centreOffsetsAreInAnchorWidthsOverTheScaleFactorAndXComesFirst() {
        // tx = 10 with factor 10 moves one anchor width (0.2) right; ty = -5 half an anchor height (0.4) up.
        float[] enc = {10f, -5f, 0f, 0f, 0f, 0f, 0f, 0f};
        assertBox(SsdBoxCoder.TF_OD_API.decode(ANCHORS, enc, 0), 0.3, 0.0, 0.5, 0.4);
        // With the detector's centre factor 1, tx = 0.5 is half an anchor width.
        float[] small = {0f, 0f, 0f, 0f, 0.5f, 0f, 0f, 0f};
        assertBox(SsdBoxCoder.DETECTOR.decode(ANCHORS, small, 1), 0.5, 0.4, 0.7, 0.6);
    }

    @Test
    void sizesAreExponentialInTheEncodingOverTheSizeFactor() {
        float ln2x5 = (float) (5 * Math.log(2));
        // tw = 5 ln 2 doubles the width about the same centre; th = -5 ln 2 halves the height.
        float[] enc = {0f, 0f, 0f, 0f, 0f, 0f, ln2x5, -ln2x5};
        assertBox(SsdBoxCoder.TF_OD_API.decode(ANCHORS, enc, 1), 0.3, 0.45, 0.7, 0.55);
    }

    @Test
    void refusesNonPositiveFactors() {
        assertThrows(IllegalArgumentException.class, () -> new SsdBoxCoder(0, 5));
        assertThrows(IllegalArgumentException.class, () -> new SsdBoxCoder(1, -1));
    }

    @Test
    void nmsKeepsTheBestBoxPerObjectAndClassAndCapsTheCount() {
        Box a = new Box(0, 0, 10, 10);
        Box nearA = new Box(1, 1, 11, 11); // IoU 81/119 = 0.68 with a
        Box far = new Box(50, 50, 60, 60);
        List<Detection> kept = Nms.suppress(List.of(new Detection(16, 0.6f, nearA), new Detection(16, 0.9f, a),
                new Detection(0, 0.7f, nearA), new Detection(16, 0.5f, far)), 0.5, 10);
        assertEquals(List.of(new Detection(16, 0.9f, a), new Detection(0, 0.7f, nearA),
                new Detection(16, 0.5f, far)), kept);
        assertEquals(2, Nms.suppress(kept, 0.5, 2).size());
        // Above the IoU threshold the near box is a second object.
        assertEquals(2, Nms.suppress(List.of(new Detection(16, 0.9f, a), new Detection(16, 0.6f, nearA)), 0.7, 10)
                .size());
    }

    @Test
    void boxIouAndScaling() {
        assertEquals(81.0 / 119.0, new Box(0, 0, 10, 10).iou(new Box(1, 1, 11, 11)), EPS);
        assertEquals(0, new Box(0, 0, 1, 1).iou(new Box(2, 2, 3, 3)), EPS);
        assertBox(new Box(-0.1, 0.5, 0.5, 1.2).scaledClipped(200, 100), 0, 50, 100, 100);
    }
}
