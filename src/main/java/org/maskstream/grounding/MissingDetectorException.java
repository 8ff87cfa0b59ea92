package org.maskstream.grounding;

/** The detector's folder is absent or is not the expected graph: the message says what to get and where. */
public final class MissingDetectorException extends RuntimeException {
    public MissingDetectorException(String message) {
        super(message);
    }

    public MissingDetectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
