package org.maskstream.cli;

/**
 * An error the user can fix, with a message that says what was wrong and what to do; printed without a stack
 * trace and exits with status 2.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
