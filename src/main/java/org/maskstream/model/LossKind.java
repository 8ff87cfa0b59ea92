package org.maskstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The training losses compared by the study; formulas in {@link MaskLoss}. */
public enum LossKind implements Choice {
    BCE("bce"),
    BCE_IOU("bce+iou"),
    BCE_DICE("bce+dice"),
    BCE_BOUNDARY("bce+boundary");

    private final String id;

    LossKind(String id) {
        this.id = id;
    }

    @Override
    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static LossKind parse(String id) {
        return Choice.parse(LossKind.class, "loss", id);
    }
}
