package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The whole edit-mask network, assembled from parts chosen by a {@link ModelConfig}: image encoder, text encoder,
 * fusion, decoder.
 *
 * <p>Input {@code NDList(image [B, C, S, S], text [B, textInputShape...], textMask [B, T])}, output
 * {@code NDList(logits [B, 1, S, S])}. Host-side preparation of those inputs is {@link #imageEncoder()}'s and
 * {@link #textEncoder()}'s {@code prepare} ({@link Batches#prepare}).
 *
 * <p>With a prior ({@link ModelConfig#hasPrior()}) the image carries {@link #PRIOR_PLANES} more planes after the
 * encoder's: the prior map and a plane that is 1 where the map is empty, so the network knows that nothing was found
 * rather than guessing it from zeros. The image encoder reads them with the pixels, and a 1x1 convolution adds them
 * to the logits directly: a prior the data says to trust is copied through from the first step, and the network
 * learns the corrections (silhouette inside the box, what to do without one).
 */
public final class MaskNet extends AbstractBlock {
    /** Planes a prior adds to the image: the map, then the empty-map flag. */
    public static final int PRIOR_PLANES = 2;
    /** Initial logit per unit of prior score, per unit of the empty-map flag, and the bias: see initialization. */
    private static final float PRIOR_WEIGHT = 10f;
    private static final float EMPTY_WEIGHT = 6f;
    private static final float PRIOR_BIAS = -2f;

    private final ModelConfig config;
    private final ImageEncoder imageEncoder;
    private final TextEncoder textEncoder;
    private final Block image;
    private final Block text;
    private final Block fusion;
    private final Block decoder;
    private final Block priorLogits;

    private MaskNet(ModelConfig config, ImageEncoder imageEncoder, TextEncoder textEncoder) {
        this.config = config;
        this.imageEncoder = imageEncoder;
        this.textEncoder = textEncoder;
        int d = config.dim();
        int g = config.gridSize();
        image = addChildBlock("image", imageEncoder.block());
        text = addChildBlock("text", textEncoder.block());
        fusion = addChildBlock("fusion", switch (config.fusion()) {
            case CONCAT -> new ConcatFusion(d);
            case OUTER -> new OuterProductFusion(d);
            case XATTN_POOLED -> new PooledCrossAttentionFusion(g, d, config.layers(), config.heads());
            case XATTN -> new CrossAttentionFusion(g, d, config.layers(), config.heads());
        });
        int fusedSide = config.fusion() == Fusion.XATTN ? g : 1;
        decoder = addChildBlock("decoder", new MaskDecoder(d, fusedSide, config.inputSize()));
        priorLogits = config.hasPrior()
                ? addChildBlock("prior", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(1).build())
                : null;
    }

    /** Builds the network a config describes; {@link IllegalArgumentException} when it cannot exist. */
    public static MaskNet build(ModelConfig config) {
        config.validate();
        ImageEncoder imageEncoder = switch (config.imageEncoder()) {
            case ModelConfig.SCRATCH -> new ScratchImageEncoder(config.inputSize(), config.dim());
            default -> PretrainedEncoders.image(config);
        };
        TextEncoder textEncoder = switch (config.textEncoder()) {
            case ModelConfig.SCRATCH -> new ScratchTextEncoder(new Vocabulary(config.vocabulary()),
                    config.maxTokens(), config.dim(), config.textLayers(), config.heads());
            default -> PretrainedEncoders.text(config);
        };
        if (config.decoder() == Decoder.UNET && imageEncoder.skipChannels().isEmpty()) {
            throw new IllegalArgumentException("decoder 'unet' needs skip connections, but image encoder '"
                    + imageEncoder.id() + "' is frozen and has none: use --decoder upconv");
        }
        return new MaskNet(config, imageEncoder, textEncoder);
    }

    public ModelConfig config() {
        return config;
    }

    public ImageEncoder imageEncoder() {
        return imageEncoder;
    }

    public TextEncoder textEncoder() {
        return textEncoder;
    }

    /** One example's image input: the encoder's planes, then the prior's when there is one. */
    public Shape imageInputShape() {
        Shape s = imageEncoder.inputShape();
        return config.hasPrior() ? new Shape(s.get(0) + PRIOR_PLANES).addAll(s.slice(1)) : s;
    }

    /** Input shapes for a batch of {@code batch} examples, in {@link #forward} order. */
    public Shape[] inputShapes(int batch) {
        return new Shape[] {
                new Shape(batch).addAll(imageInputShape()),
                new Shape(batch).addAll(textEncoder.inputShape()),
                new Shape(batch, textEncoder.inputShape().get(0))};
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList encoded = image.forward(ps, new NDList(inputs.get(0)), training); // grid, skips...
        NDList words = text.forward(ps, new NDList(inputs.get(1), inputs.get(2)), training); // tokens, mask
        NDList fused = fusion.forward(ps, new NDList(encoded.get(0), words.get(0), words.get(1)), training);
        NDList logits = decoder.forward(ps, new NDList(decoderInputs(fused.head(), encoded)), training);
        if (priorLogits == null) {
            return logits;
        }
        NDList fromPrior = priorLogits.forward(ps, new NDList(priorPlanes(inputs.get(0))), training); // [B, 1, S, S]
        return new NDList(logits.head().add(fromPrior.head()));
    }

    /** The prior's planes of an image input: {@code [B, C, S, S] -> [B, PRIOR_PLANES, S, S]}. */
    private static NDArray priorPlanes(NDArray image) {
        long c = image.getShape().get(1);
        return image.get(":, " + (c - PRIOR_PLANES) + ":, :, :");
    }

    /** The fused features, then the encoder's skips when the decoder is a U-Net. */
    private <T> List<T> decoderInputs(T fused, List<T> encoded) {
        List<T> in = new ArrayList<>();
        in.add(fused);
        if (config.decoder() == Decoder.UNET) {
            in.addAll(encoded.subList(1, encoded.size()));
        }
        return in;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        image.initialize(manager, dataType, inputShapes[0]);
        Shape[] encoded = image.getOutputShapes(new Shape[] {inputShapes[0]});
        text.initialize(manager, dataType, inputShapes[1], inputShapes[2]);
        Shape[] words = text.getOutputShapes(new Shape[] {inputShapes[1], inputShapes[2]});
        Shape[] fusionIn = {encoded[0], words[0], words[1]};
        fusion.initialize(manager, dataType, fusionIn);
        Shape fused = fusion.getOutputShapes(fusionIn)[0];
        decoder.initialize(manager, dataType, decoderInputs(fused, Arrays.asList(encoded)).toArray(new Shape[0]));
        if (priorLogits != null) {
            Shape image = inputShapes[0];
            priorLogits.initialize(manager, dataType, new Shape(image.get(0), PRIOR_PLANES, image.get(2), image.get(3)));
            // Start from trusting the prior as the detector-prior predictor does: a box of score >= 0.2 is in,
            // no box at all means the whole image. Photos to fine-tune on are few; random weights here would
            // spend them on relearning this.
            priorLogits.getParameters().get("weight").getArray().set(new float[] {PRIOR_WEIGHT, EMPTY_WEIGHT});
            priorLogits.getParameters().get("bias").getArray().set(new float[] {PRIOR_BIAS});
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), 1, config.inputSize(), config.inputSize())};
    }
}
