package org.maskstream.demo;

import java.util.concurrent.locks.LockSupport;

/** Spaces events evenly at a fixed rate, catching up after a slow event rather than drifting. */
public final class RatePacer {
    private final long intervalNanos;
    private long next = System.nanoTime();

    public RatePacer(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("the rate must be positive, got " + perSecond);
        }
        this.intervalNanos = (long) (1e9 / perSecond);
    }

    /** Waits until the next event is due. */
    public void awaitNext() throws InterruptedException {
        long wait;
        while ((wait = next - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        next += intervalNanos;
    }
}
