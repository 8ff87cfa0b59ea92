package org.maskstream.util;

/** Which failures of one unit of work (a request, a candidate model) stay that unit's own. */
public final class Failures {
    private Failures() {
    }

    /**
     * True for exceptions and for the {@link Error}s that one piece of work can cause without breaking the JVM: an
     * {@link OutOfMemoryError} or {@link StackOverflowError} from its own allocation or recursion (gone once its
     * frames unwind), a {@link LinkageError} from a native library or class it needed (e.g. an ONNX encoder a model
     * names). Those become that work's refusal; other errors ({@link InternalError}, {@link ThreadDeath}...) still
     * fail the task.
     */
    public static boolean isOwnedByTheWork(Throwable t) {
        return t instanceof Exception || t instanceof OutOfMemoryError || t instanceof StackOverflowError
                || t instanceof LinkageError;
    }
}
