package org.maskstream.model;

import java.nio.file.Path;

/**
 * The encoders that are not trained from scratch, by their {@code config.json} id: text {@value FrozenTextEncoder#MINILM_ID} and
 * {@value FrozenTextEncoder#E5_SMALL_ID}
 * and image {@code mobilenet:PATH}. {@link MaskNet#build} asks here for any id other than {@code scratch}.
 */
public final class PretrainedEncoders {
    private PretrainedEncoders() {
    }

    /**
     * @throws MissingEncoderException  when the encoder's file is absent
     * @throws IllegalArgumentException when the id is unknown
     */
    public static ImageEncoder image(ModelConfig config) {
        String id = config.imageEncoder();
        if (id != null && id.startsWith(MobileNetImageEncoder.PREFIX)) {
            return new MobileNetImageEncoder(id, config.inputSize(), config.dim());
        }
        throw new IllegalArgumentException("unknown image encoder '" + id + "': use 'scratch' or 'mobilenet:PATH'");
    }

    /**
     * The id with a {@code mobilenet:PATH} path made absolute, so a saved model finds the file from any working
     * directory; other ids unchanged.
     */
    public static String absolute(String imageEncoderId) {
        return imageEncoderId != null && imageEncoderId.startsWith(MobileNetImageEncoder.PREFIX)
                ? MobileNetImageEncoder.PREFIX + Path.of(imageEncoderId.substring(MobileNetImageEncoder.PREFIX.length()))
                        .toAbsolutePath().normalize()
                : imageEncoderId;
    }

    /** @throws IllegalArgumentException when the id is unknown */
    public static TextEncoder text(ModelConfig config) {
        String id = config.textEncoder();
        FrozenTextEncoder frozen = id == null ? null : FrozenTextEncoder.of(id, config.maxTokens(), config.dim());
        if (frozen != null) {
            return frozen;
        }
        throw new IllegalArgumentException("unknown text encoder '" + id + "': use scratch or one of "
                + String.join(", ", FrozenTextEncoder.IDS));
    }
}
