package org.maskstream.demo;

import org.maskstream.retrain.Attempt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Retraining attempts on a schedule, on one daemon thread: the first after {@code firstAfter}, each next one
 * {@code every} after the previous ended (an attempt never overlaps the next). An attempt that throws is logged and
 * the schedule goes on. {@link #close()} stops it, interrupting a running attempt.
 */
public final class BackgroundRetraining implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundRetraining.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "retraining");
        t.setDaemon(true);
        return t;
    });

    private BackgroundRetraining() {
    }

    /**
     * @param attempt one attempt, e.g. {@link Retrainer#runOnce}
     * @param report  called with each recorded attempt, on the retraining thread
     */
    public static BackgroundRetraining start(Callable<Attempt> attempt, Duration firstAfter, Duration every,
                                             Consumer<Attempt> report) {
        BackgroundRetraining background = new BackgroundRetraining();
        background.executor.scheduleWithFixedDelay(() -> {
            try {
                report.accept(attempt.call());
            } catch (InterruptedException e) {
                // close(): the attempt was stopped on purpose
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.error("retraining attempt did not run: {}", e.getMessage(), e);
            }
        }, firstAfter.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return background;
    }

    /** Blocks until the schedule is stopped (by {@link #close()} from another thread, or the JVM's end). */
    public void awaitStop() throws InterruptedException {
        while (!executor.awaitTermination(1, TimeUnit.HOURS)) {
            // keep waiting: the schedule has no end of its own
        }
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("the retraining thread did not stop within 30 s");
        }
    }
}
