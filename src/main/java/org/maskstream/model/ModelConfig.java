package org.maskstream.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import org.maskstream.util.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to rebuild a network: written as {@code config.json} beside its parameters.
 *
 * @param fusion       how image and text meet
 * @param decoder      how fused features become a mask
 * @param imageEncoder image encoder id ({@code scratch}; pretrained ids name the frozen model they need)
 * @param textEncoder  text encoder id ({@code scratch}: vocabulary below and learned embeddings)
 * @param dim          feature width d shared by the encoders, the fusion and the decoder's first step
 * @param layers       stacked fusion blocks (attention fusions only)
 * @param textLayers   transformer layers of the scratch text encoder
 * @param heads        attention heads; must divide {@code dim}
 * @param inputSize    side of the square input image and of the predicted mask, a multiple of 8
 * @param maxTokens    instructions are cut or padded to this many tokens
 * @param threshold    probability above which a pixel is in the edit region
 * @param vocabulary   the scratch text encoder's words, index = token id (pad and unknown first)
 * @param version      overrides the model's {@link MaskModel#version()}; {@code null}: the parameter hash prefix
 * @param prior        where the network's prior channel comes from ({@link PriorSources}: {@code coco-detector:PATH}
 *                     for the boxes of the detected objects the instruction names); {@code null}: no prior channel
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelConfig(Fusion fusion, Decoder decoder, String imageEncoder, String textEncoder, int dim,
                          int layers, int textLayers, int heads, int inputSize, int maxTokens, float threshold,
                          List<String> vocabulary, String version, String prior) {

    public static final String SCRATCH = "scratch";

    public ModelConfig {
        vocabulary = vocabulary == null ? List.of() : List.copyOf(vocabulary);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().fusion(fusion).decoder(decoder).imageEncoder(imageEncoder).textEncoder(textEncoder)
                .dim(dim).layers(layers).textLayers(textLayers).heads(heads).inputSize(inputSize)
                .maxTokens(maxTokens).threshold(threshold).vocabulary(vocabulary).version(version).prior(prior);
    }

    /** Side of the image encoder's feature grid: the input downsampled by 8. */
    public int gridSize() {
        return inputSize / 8;
    }

    /**
     * The architecture as JSON-friendly values, in config.json's names, without the vocabulary (for a record of
     * what was trained, such as the trainer's {@code metrics.json}).
     */
    public Map<String, Object> describe() {
        Map<String, Object> out = Json.MAPPER.convertValue(this, new TypeReference<LinkedHashMap<String, Object>>() { });
        out.remove("vocabulary");
        return out;
    }

    /** Whether the network reads a prior map beside the image (see {@link PriorSource}). */
    public boolean hasPrior() {
        return prior != null;
    }

    /** Throws {@link IllegalArgumentException} naming the first inconsistent field. */
    public void validate() {
        validateArchitecture();
        require(!SCRATCH.equals(textEncoder) || vocabulary.size() >= Vocabulary.RESERVED,
                "the scratch text encoder needs a vocabulary (build one from the training instructions)");
    }

    /** {@link #validate} but for the vocabulary, which training builds from its instructions. */
    private void validateArchitecture() {
        require(fusion != null && decoder != null, "fusion and decoder must be set");
        require(dim >= 8 && dim % 8 == 0, "dim must be a positive multiple of 8, got " + dim);
        require(heads >= 1 && dim % heads == 0, "heads (" + heads + ") must divide dim (" + dim + ")");
        require(layers >= 1, "layers must be at least 1, got " + layers);
        require(textLayers >= 0, "textLayers must not be negative, got " + textLayers);
        require(inputSize >= 16 && inputSize % 8 == 0 && Integer.bitCount(inputSize / 8) == 1,
                "input size must be 8 times a power of two (16, 32, 64, 128...), got " + inputSize);
        require(maxTokens >= 1, "maxTokens must be at least 1, got " + maxTokens);
        require(threshold > 0 && threshold < 1, "threshold must be in (0, 1), got " + threshold);
        // the prior enters as extra input planes of the image: a frozen encoder's features have no place for them
        require(prior == null || SCRATCH.equals(imageEncoder),
                "a prior channel needs the scratch image encoder, not '" + imageEncoder + "'");
        require(prior == null || !prior.isBlank(), "prior must name a prior source or be absent");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("model config: " + message);
        }
    }

    /** Mutable builder with the defaults the {@code train} command uses. */
    public static final class Builder {
        private Fusion fusion = Fusion.XATTN;
        private Decoder decoder = Decoder.UNET;
        private String imageEncoder = SCRATCH;
        private String textEncoder = SCRATCH;
        private int dim = 64;
        private int layers = 3;
        private int textLayers = 2;
        private int heads = 4;
        private int inputSize = 64;
        private int maxTokens = 16;
        private float threshold = 0.5f;
        private List<String> vocabulary = List.of();
        private String version;
        private String prior;

        public Builder fusion(Fusion v) { fusion = v; return this; }
        public Builder decoder(Decoder v) { decoder = v; return this; }
        public Builder imageEncoder(String v) { imageEncoder = v; return this; }
        public Builder textEncoder(String v) { textEncoder = v; return this; }
        public Builder dim(int v) { dim = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder textLayers(int v) { textLayers = v; return this; }
        public Builder heads(int v) { heads = v; return this; }
        public Builder inputSize(int v) { inputSize = v; return this; }
        public Builder maxTokens(int v) { maxTokens = v; return this; }
        public Builder threshold(float v) { threshold = v; return this; }
        public Builder vocabulary(List<String> v) { vocabulary = v; return this; }
        public Builder version(String v) { version = v; return this; }
        public Builder prior(String v) { prior = v; return this; }

        public ModelConfig build() {
            ModelConfig c = unchecked();
            c.validate();
            return c;
        }

        /**
         * The architecture to train: checked like {@link #build} except for the vocabulary, which the trainer
         * builds from the training instructions ({@code TrainOptions.modelConfig}).
         */
        public ModelConfig architecture() {
            ModelConfig c = unchecked();
            c.validateArchitecture();
            return c;
        }

        private ModelConfig unchecked() {
            return new ModelConfig(fusion, decoder, imageEncoder, textEncoder, dim, layers, textLayers, heads,
                    inputSize, maxTokens, threshold, vocabulary, version, prior);
        }
    }
}
