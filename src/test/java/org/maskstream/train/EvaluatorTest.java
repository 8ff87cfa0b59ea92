package org.maskstream.train;

import org.junit.jupiter.api.Test;
import org.maskstream.data.Example;
import org.maskstream.data.Mask;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.MaskModel;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EvaluatorTest {
    /** A 2x2 model that always predicts the left half. */
    private static final class LeftHalf implements MaskModel {
        int batches;

        @Override
        public String version() {
            return "left-half";
        }

        @Override
        public int inputSize() {
            return 2;
        }

        @Override
        public float threshold() {
            return 0.5f;
        }

        @Override
        public List<float[]> predict(List<BufferedImage> images, List<String> instructions) {
            batches++;
            List<float[]> out = new ArrayList<>();
            images.forEach(i -> out.add(new float[] {0.9f, 0.1f, 0.9f, 0.1f}));
            return out;
        }

        @Override
        public void close() {
        }
    }

    private static Example example(String id, int width, int height, int truthColumns) {
        boolean[] px = new boolean[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < truthColumns; x++) {
                px[y * width + x] = true;
            }
        }
        return new Example(id, new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "edit",
                new Mask(width, height, px));
    }

    @Test
    void predictionsAreScoredAtEachImagesOriginalSize() {
        // 8x4 image: predicted left half = columns 0-3; truth columns 0-1 -> tp 8, fp 8: IoU 0.5
        // 6x6 image: predicted columns 0-2; truth empty -> fp 18: IoU 0
        List<Example> examples = new ArrayList<>();
        examples.add(example("a", 8, 4, 2));
        examples.add(example("b", 6, 6, 0));
        for (int i = 0; i < Evaluator.BATCH; i++) {
            examples.add(example("c" + i, 4, 4, 2)); // exactly the prediction: IoU 1
        }
        LeftHalf model = new LeftHalf();
        List<String> seen = new ArrayList<>();
        IouCounts counts = Evaluator.evaluate(model, examples, (e, m, c) -> seen.add(e.id() + ":" + m.width()), null);
        assertEquals(Evaluator.BATCH + 2, counts.n());
        assertEquals((0.5 + 0 + Evaluator.BATCH) / (Evaluator.BATCH + 2), counts.fgIou(), 1e-12);
        assertEquals(8 + 8L * Evaluator.BATCH, counts.tp());
        assertEquals(8 + 18, counts.fp());
        assertEquals(2, model.batches);
        assertEquals("a:8", seen.get(0));
        assertEquals("b:6", seen.get(1));
    }

    @Test
    void unlabeledExamplesAreRefused() {
        List<Example> examples = List.of(new Example("u", new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "x",
                null));
        assertThrows(IllegalArgumentException.class, () -> Evaluator.evaluate(new LeftHalf(), examples));
    }
}
