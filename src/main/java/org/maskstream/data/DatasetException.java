package org.maskstream.data;

/**
 * A dataset that cannot be read or written as the layout requires. The message names the file, the manifest line
 * when there is one, what was wrong and what to do about it.
 */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
