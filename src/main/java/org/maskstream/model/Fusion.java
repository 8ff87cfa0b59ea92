package org.maskstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How image and text features meet (the study's compared methods). */
public enum Fusion implements Choice {
    /** Pooled image vector joined with the pooled text vector, decoded from 1x1 (the study's baseline). */
    CONCAT("concat"),
    /** Outer product of pooled image and text vectors, a d x d map read by a conv net (the study's "cross product"). */
    OUTER("outer"),
    /** Text tokens query the image grid; the answer is pooled to one vector and decoded from 1x1. */
    XATTN_POOLED("xattn-pooled"),
    /** Image-grid tokens query the text tokens, keeping the spatial layout: the default and the best. */
    XATTN("xattn");

    private final String id;

    Fusion(String id) {
        this.id = id;
    }

    @Override
    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static Fusion parse(String id) {
        return Choice.parse(Fusion.class, "fusion", id);
    }
}
