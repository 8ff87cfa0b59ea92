package org.maskstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How the fused features become a mask at the input size. */
public enum Decoder implements Choice {
    /** Nearest-neighbour x2 upsampling steps, each followed by a 3x3 conv. */
    UPCONV("upconv"),
    /** As {@link #UPCONV}, with the image encoder's finer feature maps concatenated at matching resolutions. */
    UNET("unet");

    private final String id;

    Decoder(String id) {
        this.id = id;
    }

    @Override
    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static Decoder parse(String id) {
        return Choice.parse(Decoder.class, "decoder", id);
    }
}
