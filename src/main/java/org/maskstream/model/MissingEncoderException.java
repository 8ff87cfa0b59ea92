package org.maskstream.model;

/** A pretrained encoder a model needs is not available (file absent or not the expected graph). */
public final class MissingEncoderException extends RuntimeException {
    public MissingEncoderException(String message) {
        super(message);
    }

    public MissingEncoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
