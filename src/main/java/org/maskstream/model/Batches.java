package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

import org.maskstream.data.Mask;

/** Host values to the NDArrays a {@link MaskNet} reads, one batch at a time. */
public final class Batches {
    private Batches() {
    }

    /** A batch for {@link MaskModel#predict} must pair every image with one instruction. */
    static void requirePairs(List<BufferedImage> images, List<String> instructions) {
        if (images.size() != instructions.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + instructions.size()
                    + " instructions: pass one instruction per image");
        }
    }

    /** Runs the encoders' host side on one example; {@code mask} may be {@code null}. */
    public static PreparedExample prepare(MaskNet net, BufferedImage image, String instruction, Mask mask) {
        return prepare(net, image, instruction, mask, null);
    }

    /**
     * {@link #prepare(MaskNet, BufferedImage, String, Mask)} for a network with a prior channel.
     *
     * @param prior {@code S * S} values in [0, 1] ({@link PriorSource}); {@code null} or all 0: nothing found.
     *              Ignored by a network without a prior channel.
     */
    public static PreparedExample prepare(MaskNet net, BufferedImage image, String instruction, Mask mask,
                                          float[] prior) {
        return prepare(net, image, net.textEncoder().prepare(instruction), mask, prior);
    }

    /** As {@link #prepare(MaskNet, BufferedImage, String, Mask, float[])} with the instruction already prepared. */
    public static PreparedExample prepare(MaskNet net, BufferedImage image, TextEncoder.EncodedText text, Mask mask,
                                          float[] prior) {
        float[] target = null;
        if (mask != null) {
            int s = net.config().inputSize();
            boolean[] px = mask.resize(s, s).pixels();
            target = new float[px.length];
            for (int i = 0; i < px.length; i++) {
                target[i] = px[i] ? 1f : 0f;
            }
        }
        float[] pixels = net.imageEncoder().prepare(image);
        return new PreparedExample(net.config().hasPrior() ? withPrior(pixels, prior, net.config().inputSize())
                : pixels, text, target);
    }

    /** The pixel planes, then the prior map and the empty-map flag ({@link MaskNet#PRIOR_PLANES}). */
    static float[] withPrior(float[] pixels, float[] prior, int size) {
        int plane = size * size;
        if (prior != null && prior.length != plane) {
            throw new IllegalArgumentException("a prior of " + prior.length + " values for a " + size + " x " + size
                    + " network: it needs " + plane);
        }
        float[] out = Arrays.copyOf(pixels, pixels.length + MaskNet.PRIOR_PLANES * plane);
        boolean empty = true;
        if (prior != null) {
            for (int i = 0; i < plane; i++) {
                float v = prior[i];
                if (!(v >= 0f && v <= 1f)) {
                    throw new IllegalArgumentException("prior value " + v + " at " + i + " is outside [0, 1]");
                }
                out[pixels.length + i] = v;
                empty &= v == 0f;
            }
        }
        if (empty) {
            Arrays.fill(out, pixels.length + plane, out.length, 1f);
        }
        return out;
    }

    /** {@code NDList(image [B, ...], text [B, ...], textMask [B, T])} in {@code manager}. */
    public static NDList inputs(NDManager manager, MaskNet net, List<PreparedExample> batch) {
        int b = batch.size();
        Shape image = net.imageInputShape();
        Shape text = net.textEncoder().inputShape();
        int t = (int) text.get(0);
        float[] images = new float[(int) (b * image.size())];
        float[] texts = new float[(int) (b * text.size())];
        float[] masks = new float[b * t];
        for (int i = 0; i < b; i++) {
            PreparedExample e = batch.get(i);
            System.arraycopy(e.image(), 0, images, (int) (i * image.size()), (int) image.size());
            System.arraycopy(e.text().features(), 0, texts, (int) (i * text.size()), (int) text.size());
            System.arraycopy(e.text().mask(), 0, masks, i * t, t);
        }
        return new NDList(
                manager.create(images, new Shape(b).addAll(image)),
                manager.create(texts, new Shape(b).addAll(text)),
                manager.create(masks, new Shape(b, t)));
    }

    /** {@code NDList(mask [B, 1, S, S])}; every example must be labeled. */
    public static NDList labels(NDManager manager, int size, List<PreparedExample> batch) {
        int plane = size * size;
        float[] all = new float[batch.size() * plane];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(batch.get(i).mask(), 0, all, i * plane, plane);
        }
        return new NDList(manager.create(all, new Shape(batch.size(), 1, size, size)));
    }

    /** Probabilities per example from logits {@code [B, 1, S, S]}, row-major. */
    public static List<float[]> probabilities(NDArray logits) {
        int b = (int) logits.getShape().get(0);
        float[] all = Activation.sigmoid(logits).toFloatArray();
        int plane = all.length / b;
        float[][] out = new float[b][];
        for (int i = 0; i < b; i++) {
            out[i] = Arrays.copyOfRange(all, i * plane, (i + 1) * plane);
        }
        return List.of(out);
    }
}
