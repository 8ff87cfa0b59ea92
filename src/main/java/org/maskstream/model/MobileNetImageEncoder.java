package org.maskstream.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * Image encoder {@code mobilenet:PATH}: frozen ImageNet MobileNetV2 ({@link MobileNet}, the ONNX file at PATH),
 * both of its feature maps bilinearly resampled to the fusion grid ({@code S/8}) and stacked, then a trainable
 * linear adapter (a 1x1 convolution) from 96 + 1280 channels to the fusion width d. The frozen part gives no skip
 * connections, so it pairs with the {@code upconv} decoder.
 *
 * <p>Host values are {@code [1376, S/8, S/8]}; the block maps {@code [B, 1376, g, g]} to
 * {@code NDList(grid [B, d, g, g])}.
 *
 * <p>Cache: the trainer prepares each example once and keeps the result, so MobileNet runs once per training image
 * (and once per mirrored copy). One image's features are {@code 1376 * g * g} floats: 344 KB at 64 px (g = 8), so
 * 2,000 training scenes with flips hold about 1.4 GB; at 32 px (g = 4) a quarter of that.
 */
public final class MobileNetImageEncoder implements ImageEncoder {
    public static final String PREFIX = "mobilenet:";
    public static final int CHANNELS = MobileNet.MID_CHANNELS + MobileNet.LAST_CHANNELS;

    private final MobileNet mobileNet;
    private final int grid;
    private final Block block;

    /**
     * @param id {@code mobilenet:PATH}
     * @throws MissingEncoderException when PATH is absent or not the expected graph
     */
    public MobileNetImageEncoder(String id, int inputSize, int dim) {
        if (!id.startsWith(PREFIX) || id.length() == PREFIX.length()) {
            throw new IllegalArgumentException("image encoder '" + id + "' should be mobilenet:PATH with PATH the"
                    + " mobilenet_v2_int8_features.onnx file");
        }
        this.mobileNet = MobileNet.shared(Path.of(id.substring(PREFIX.length())));
        this.grid = inputSize / 8;
        this.block = Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(dim).build();
    }

    @Override
    public String id() {
        return PREFIX + mobileNet.file();
    }

    @Override
    public Shape inputShape() {
        return new Shape(CHANNELS, grid, grid);
    }

    @Override
    public float[] prepare(BufferedImage image) {
        MobileNet.FeatureMaps maps = mobileNet.features(List.of(image));
        float[] out = new float[CHANNELS * grid * grid];
        resample(maps.mid(), MobileNet.MID_CHANNELS, MobileNet.MID_SIDE, grid, out, 0);
        resample(maps.last(), MobileNet.LAST_CHANNELS, MobileNet.LAST_SIDE, grid, out,
                MobileNet.MID_CHANNELS * grid * grid);
        return out;
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public List<Integer> skipChannels() {
        return List.of();
    }

    /**
     * Bilinear resampling of {@code channels} maps {@code side x side} to {@code target x target}, pixel centres
     * aligned (PyTorch's {@code align_corners=false}), written into {@code out} from {@code offset}.
     */
    static void resample(float[] maps, int channels, int side, int target, float[] out, int offset) {
        double scale = (double) side / target;
        for (int y = 0; y < target; y++) {
            double fy = Math.max(0, (y + 0.5) * scale - 0.5);
            int y0 = Math.min((int) fy, side - 1);
            int y1 = Math.min(y0 + 1, side - 1);
            double wy = fy - y0;
            for (int x = 0; x < target; x++) {
                double fx = Math.max(0, (x + 0.5) * scale - 0.5);
                int x0 = Math.min((int) fx, side - 1);
                int x1 = Math.min(x0 + 1, side - 1);
                double wx = fx - x0;
                for (int c = 0; c < channels; c++) {
                    int base = c * side * side;
                    double top = maps[base + y0 * side + x0] * (1 - wx) + maps[base + y0 * side + x1] * wx;
                    double bottom = maps[base + y1 * side + x0] * (1 - wx) + maps[base + y1 * side + x1] * wx;
                    out[offset + c * target * target + y * target + x] = (float) (top * (1 - wy) + bottom * wy);
                }
            }
        }
    }
}
