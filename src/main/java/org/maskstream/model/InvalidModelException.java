package org.maskstream.model;

/** A saved model folder that cannot be used: missing files, a bad config, or parameters that fail their hash. */
public class InvalidModelException extends RuntimeException {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
