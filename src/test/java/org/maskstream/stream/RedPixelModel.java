package org.maskstream.stream;

import org.maskstream.model.MaskModel;

import java.awt.Image;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** TEMPORARY test model until the model library lands: probability = redness of the pixel. */
final class RedPixelModel implements MaskModel {
    static final ModelLoader LOADER = ref -> new RedPixelModel();

    @Override
    public String version() {
        return "red-pixels-v1";
    }

    @Override
    public int inputSize() {
        return 32;
    }

    @Override
    public float threshold() {
        return 0.5f;
    }

    @Override
    public List<float[]> predict(List<BufferedImage> images, List<String> instructions) {
        List<float[]> out = new ArrayList<>();
        for (BufferedImage img : images) {
            BufferedImage s = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            s.getGraphics().drawImage(img.getScaledInstance(32, 32, Image.SCALE_FAST), 0, 0, null);
            float[] p = new float[32 * 32];
            for (int i = 0; i < p.length; i++) {
                int rgb = s.getRGB(i % 32, i / 32);
                int r = (rgb >> 16) & 255;
                int g = (rgb >> 8) & 255;
                p[i] = Math.max(0, r - g) / 255f;
            }
            out.add(p);
        }
        return out;
    }

    @Override
    public void close() {
    }
}
