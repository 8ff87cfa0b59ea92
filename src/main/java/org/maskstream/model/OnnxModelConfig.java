package org.maskstream.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Set;

/**
 * The {@code config.json} of a model folder of kind {@value #KIND}: a pretrained referring-segmentation network
 * exported to ONNX (CLIPSeg's export is the reference), written by the user beside the graph and its tokenizer.
 *
 * <p>The graph must read {@code pixels} float {@code [B, 3, imageSize, imageSize]} (RGB scaled to 0-1, then
 * {@code (x - mean[c]) / std[c]}), {@code inputIds} and {@code attentionMask} int64 {@code [B, T]} (the tokenizer's
 * ids, batch padded to its longest instruction, mask 0 on padding), and write {@code output} float
 * {@code [B, imageSize, imageSize]}: logits of the edit region.
 *
 * @param kind      always {@value #KIND}
 * @param model     the ONNX graph's file name in the folder
 * @param tokenizer the Hugging Face {@code tokenizer.json} file name in the folder
 * @param imageSize side of the square the graph reads and predicts (CLIPSeg: 352)
 * @param mean      per-channel RGB mean subtracted after scaling to 0-1 (the model's image processor's)
 * @param std       per-channel RGB standard deviation divided by
 * @param inputs    the graph's input names
 * @param output    the graph's output name of the logits
 * @param maxTokens instructions are cut to this many tokens, special tokens included (CLIPSeg: 77)
 * @param threshold probability (sigmoid of the logits) above which a pixel is in the edit region
 * @param version   overrides {@link MaskModel#version()}; {@code null}: the folder's hash prefix
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OnnxModelConfig(String kind, String model, String tokenizer, int imageSize, List<Float> mean,
                              List<Float> std, Inputs inputs, String output, int maxTokens, float threshold,
                              String version) {

    public static final String KIND = "onnx";

    /**
     * @param pixels        the normalised image, {@code [B, 3, S, S]}
     * @param inputIds      token ids, {@code [B, T]}
     * @param attentionMask 1 for a token, 0 for padding, {@code [B, T]}
     */
    public record Inputs(String pixels, String inputIds, String attentionMask) {
        /** The three names in the order above. */
        public List<String> names() {
            return List.of(pixels, inputIds, attentionMask);
        }
    }

    /** Throws {@link IllegalArgumentException} naming the first missing or inconsistent field. */
    public void validate() {
        require(KIND.equals(kind), "kind must be \"" + KIND + "\", got " + kind);
        requireFileName("model", model);
        requireFileName("tokenizer", tokenizer);
        require(imageSize >= 8, "imageSize must be at least 8 (CLIPSeg: 352), got " + imageSize);
        requireChannels("mean", mean);
        requireChannels("std", std);
        require(std.stream().allMatch(s -> s > 0), "std must be positive, got " + std);
        require(inputs != null && inputs.names().stream().allMatch(n -> n != null && !n.isBlank()),
                "inputs must name pixels, inputIds and attentionMask (CLIPSeg: pixel_values, input_ids,"
                        + " attention_mask), got " + inputs);
        require(Set.copyOf(inputs.names()).size() == 3, "inputs must be three different names, got " + inputs);
        require(output != null && !output.isBlank(), "output must name the graph's logits (CLIPSeg: logits)");
        require(maxTokens >= 2, "maxTokens must be at least 2 (CLIPSeg: 77), got " + maxTokens);
        require(threshold > 0 && threshold < 1, "threshold must be in (0, 1), e.g. 0.5, got " + threshold);
    }

    private static void requireFileName(String field, String name) {
        require(name != null && !name.isBlank() && !name.contains("/") && !name.contains("\\")
                        && !name.equals("..") && !name.equals("."),
                field + " must be a file name in the model folder, got " + name);
    }

    private static void requireChannels(String field, List<Float> values) {
        require(values != null && values.size() == 3 && values.stream().allMatch(v -> v != null && Float.isFinite(v)),
                field + " must be 3 numbers (R, G, B), got " + values);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("onnx model config: " + message);
        }
    }
}
