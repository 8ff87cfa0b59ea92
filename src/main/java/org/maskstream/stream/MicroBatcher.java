package org.maskstream.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * A thread that gathers submitted items into batches of up to {@code batchSize} items, or fewer once the first
 * item of a batch has waited {@code maxWait} or the next item would take the batch's total weight over
 * {@code maxWeight} (a batch always takes its first item), and hands each batch to a {@link Runner}. The runner runs on this
 * thread only, so it may own state that is not thread-safe (a model).
 */
final class MicroBatcher<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);
    private static final long IDLE_POLL_MS = 100;

    /** Works on the batcher thread. */
    interface Runner<T> {
        /** Called once on the batcher thread before the first batch; a failure fails {@link #start}. */
        void start() throws Exception;

        void run(List<T> batch);

        /** Called once on the batcher thread when it stops. */
        void stop();

        /**
         * The batcher thread died of {@code cause} (an {@link Error} that {@link #run} let through): fail these
         * items, which will never run. Called on whichever thread finds them, once per item.
         */
        void abandon(List<T> items, Throwable cause);
    }

    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final int batchSize;
    private final long maxWaitNanos;
    private final Runner<T> runner;
    private final ToLongFunction<T> weight;
    private final long maxWeight;
    private final Thread thread;
    /** An item taken from the queue that did not fit the last batch's weight: the next batch's first. */
    private T carried;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile Throwable died;

    MicroBatcher(String name, int batchSize, Duration maxWait, Runner<T> runner) {
        this(name, batchSize, maxWait, runner, item -> 0L, Long.MAX_VALUE);
    }

    MicroBatcher(String name, int batchSize, Duration maxWait, Runner<T> runner, ToLongFunction<T> weight,
                 long maxWeight) {
        this.batchSize = batchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.runner = runner;
        this.weight = weight;
        this.maxWeight = maxWeight;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    /** Starts the thread and waits for the runner's {@link Runner#start()}, rethrowing its failure. */
    void start() throws Exception {
        thread.start();
        try {
            started.get();
        } catch (ExecutionException e) {
            thread.join();
            throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
        }
    }

    /** Queues {@code item}; once the thread has died, the item is abandoned at once instead. */
    void submit(T item) {
        queue.add(item);
        Throwable cause = died;
        if (cause != null) {
            abandonQueued(cause);
        }
    }

    private void abandonQueued(Throwable cause) {
        List<T> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            runner.abandon(left, cause);
        }
    }

    private void loop() {
        try {
            runner.start();
            started.complete(null);
        } catch (Throwable t) {
            started.completeExceptionally(t);
            return;
        }
        List<T> batch = List.of();
        try {
            while (running) {
                batch = nextBatch();
                if (!batch.isEmpty()) {
                    runner.run(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            // Fail what it held now: left waiting, each item would only fail at its timeout.
            LOG.error("the batcher thread {} died; failing its batch and queue", thread.getName(), t);
            died = t;
            if (!batch.isEmpty()) {
                runner.abandon(batch, t);
            }
            if (carried != null) {
                runner.abandon(List.of(carried), t);
                carried = null;
            }
            abandonQueued(t);
        } finally {
            runner.stop();
        }
    }

    private List<T> nextBatch() throws InterruptedException {
        List<T> batch = new ArrayList<>(batchSize);
        T first = carried != null ? carried : queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
        carried = null;
        if (first == null) {
            return batch;
        }
        batch.add(first);
        long total = weight.applyAsLong(first);
        long deadline = System.nanoTime() + maxWaitNanos;
        while (batch.size() < batchSize) {
            T next = queue.poll();
            if (next == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                next = queue.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    break;
                }
            }
            long w = weight.applyAsLong(next);
            if (total + w > maxWeight) {
                carried = next;
                break;
            }
            batch.add(next);
            total += w;
        }
        return batch;
    }

    /** Stops after the running batch; items still queued are dropped (Flink replays them from its snapshot). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(60));
        if (thread.isAlive()) {
            LOG.warn("the batcher thread {} did not stop within 60 s", thread.getName());
        }
    }
}
