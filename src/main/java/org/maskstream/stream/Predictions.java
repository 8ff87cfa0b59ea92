package org.maskstream.stream;

import org.maskstream.avro.BoundingBox;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.PixelCounts;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.ProbabilityMap;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;

/**
 * Turns a model's probabilities for one request into its {@link MaskResult}: the probability map brought to the
 * original image size and thresholded ({@link ProbabilityMap#toMask}), and scored against the ground truth with
 * {@link IouCounts}, exactly as {@code eval} ({@code Evaluator}) scores a prediction.
 */
final class Predictions {
    private Predictions() {
    }

    /**
     * @param probabilities {@code [inputSize * inputSize]} row-major edit-region probabilities
     */
    static MaskResult toResult(DecodedRequest decoded, String modelVersion, int inputSize, float threshold,
                               float[] probabilities, long nowMs) {
        InferenceRequest in = decoded.request();
        int w = in.getWidth();
        int h = in.getHeight();
        Mask mask = ProbabilityMap.toMask(probabilities, inputSize, threshold, w, h);
        MaskResult.Builder result = MaskResult.newBuilder()
                .setId(in.getRequest().getId())
                .setEventTime(in.getRequest().getEventTime())
                .setModelVersion(modelVersion)
                .setMask(ByteBuffer.wrap(Images.encodePng(mask.toImage())))
                .setWidth(w)
                .setHeight(h)
                .setBoundingBox(boundingBox(mask))
                .setCoverage((double) mask.area() / ((long) w * h))
                .setMeanConfidence(meanAbove(probabilities, threshold))
                .setLatencyMs(nowMs - in.getReceivedAtMs())
                .setAttributes(new LinkedHashMap<>(in.getRequest().getAttributes()));
        if (decoded.truth() != null) {
            IouCounts counts = mask.iouCounts(decoded.truth());
            result.setIou(counts.fgIou())
                    .setPixelCounts(new PixelCounts(counts.tp(), counts.fp(), counts.fn(), counts.tn()));
        }
        return result.build();
    }

    private static double meanAbove(float[] probabilities, float threshold) {
        double sum = 0;
        long n = 0;
        for (float p : probabilities) {
            if (p >= threshold) {
                sum += p;
                n++;
            }
        }
        return n == 0 ? 0.0 : sum / n;
    }

    /** Smallest rectangle holding the edit region; null when it is empty. */
    static BoundingBox boundingBox(Mask mask) {
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < mask.width(); x++) {
                if (mask.get(x, y)) {
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        return maxX < 0 ? null : new BoundingBox(minX, minY, maxX - minX + 1, maxY - minY + 1);
    }
}
