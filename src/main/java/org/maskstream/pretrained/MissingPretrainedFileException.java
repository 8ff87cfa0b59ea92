package org.maskstream.pretrained;

/** A pretrained file that is neither in the cache nor in a local folder: the message says how to get it. */
public class MissingPretrainedFileException extends RuntimeException {
    public MissingPretrainedFileException(String message) {
        super(message);
    }
}
