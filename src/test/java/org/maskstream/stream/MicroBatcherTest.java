package org.maskstream.stream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MicroBatcherTest {

    /** Records the batches and the thread they ran on. */
    private static final class Recorder implements MicroBatcher.Runner<Integer> {
        final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<Thread> startedOn = new AtomicReference<>();
        final List<Thread> ranOn = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch items;
        volatile boolean stopped;

        Recorder(int expectedItems) {
            items = new CountDownLatch(expectedItems);
        }

        @Override
        public void start() {
            startedOn.set(Thread.currentThread());
        }

        @Override
        public void run(List<Integer> batch) {
            batches.add(List.copyOf(batch));
            ranOn.add(Thread.currentThread());
            batch.forEach(i -> items.countDown());
        }

        @Override
        public void stop() {
            stopped = true;
        }

        @Override
        public void abandon(List<Integer> items, Throwable cause) {
            throw new AssertionError("nothing should be abandoned: " + items, cause);
        }
    }

    @Test
    void fullBatchesRunAtOnceAndTheRestAfterTheWait() throws Exception {
        Recorder recorder = new Recorder(10);
        MicroBatcher<Integer> batcher = new MicroBatcher<>("test-batcher", 4, Duration.ofMillis(300), recorder);
        batcher.start();
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            batcher.submit(i);
        }
        assertTrue(recorder.items.await(10, TimeUnit.SECONDS));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        batcher.close();

        assertEquals(List.of(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9)), recorder.batches);
        assertTrue(elapsedMs >= 250, "the partial batch waited for more items: " + elapsedMs + " ms");
        assertTrue(recorder.stopped);
        recorder.ranOn.forEach(t -> assertSame(recorder.startedOn.get(), t, "one thread owns the runner"));
    }

    @Test
    void aFailingStartFailsStart() {
        MicroBatcher<Integer> batcher = new MicroBatcher<>("failing", 4, Duration.ofMillis(1),
                new MicroBatcher.Runner<>() {
                    @Override
                    public void start() {
                        throw new IllegalStateException("no model here");
                    }

                    @Override
                    public void run(List<Integer> batch) {
                    }

                    @Override
                    public void stop() {
                    }

                    @Override
                    public void abandon(List<Integer> items, Throwable cause) {
                    }
                });
        assertEquals("no model here", assertThrows(IllegalStateException.class, batcher::start).getMessage());
    }

    @Test
    void aThreadThatDiesAbandonsItsBatchItsQueueAndLaterItemsEachOnce() throws Exception {
        CountDownLatch dying = new CountDownLatch(1);
        CountDownLatch queued = new CountDownLatch(1);
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        List<Integer> abandoned = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> abandonedFor = new AtomicReference<>();
        MicroBatcher<Integer> batcher = new MicroBatcher<>("dying", 2, Duration.ofMillis(1),
                new MicroBatcher.Runner<>() {
                    @Override
                    public void start() {
                    }

                    @Override
                    public void run(List<Integer> batch) {
                        if (batch.contains(5)) {
                            dying.countDown();
                            awaitQuietly(queued);
                            throw new OutOfMemoryError("injected: native memory is gone");
                        }
                        ran.addAll(batch);
                    }

                    @Override
                    public void stop() {
                    }

                    @Override
                    public void abandon(List<Integer> items, Throwable cause) {
                        abandoned.addAll(items);
                        abandonedFor.set(cause);
                    }
                });
        batcher.start();
        batcher.submit(5);
        assertTrue(dying.await(10, TimeUnit.SECONDS));
        batcher.submit(6);
        batcher.submit(7);
        queued.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (abandoned.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        batcher.submit(8);
        batcher.close();

        assertEquals(List.of(), ran);
        assertEquals(List.of(5, 6, 7, 8), abandoned.stream().sorted().toList());
        assertEquals("injected: native memory is gone", abandonedFor.get().getMessage());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aBatchClosesBeforeItsWeightWouldExceedTheBudgetButTakesAnOverweightItemAlone() throws Exception {
        Recorder recorder = new Recorder(5);
        MicroBatcher<Integer> batcher = new MicroBatcher<>("test-batcher", 8, Duration.ofMillis(200), recorder,
                Integer::longValue, 100);
        for (int item : new int[] {60, 30, 20, 150, 10}) {
            batcher.submit(item);
        }
        batcher.start();
        assertTrue(recorder.items.await(10, TimeUnit.SECONDS));
        batcher.close();
        assertEquals(List.of(List.of(60, 30), List.of(20), List.of(150), List.of(10)), recorder.batches);
    }
}
