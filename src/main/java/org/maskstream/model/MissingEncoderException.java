package org.maskstream.model;

/**
 * A pretrained encoder a model needs is not available (file absent or not the expected graph). An
 * {@link IllegalArgumentException} so that loading a saved model reports it as an unusable model folder.
 */
public final class MissingEncoderException extends IllegalArgumentException {
    public MissingEncoderException(String message) {
        super(message);
    }

    public MissingEncoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
