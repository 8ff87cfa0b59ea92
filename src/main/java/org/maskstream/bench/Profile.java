package org.maskstream.bench;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a stretch of work spends the CPU, from two sources: each thread's CPU time from {@code /proc} (it includes
 * the time a thread spends in native code, so the libtorch forward on the batcher thread counts fully), and a JFR recording whose
 * samples of running Java code (and of the PyTorch and zlib native methods) say which library did the work.
 */
final class Profile {
    /**
     * @param threadCpuShare share of the process's CPU time per thread group (names without their numbers)
     * @param sampleShare    share of the JFR samples per kind of work, by the innermost frame that names one
     * @param topMethods     share of the samples per innermost frame, the largest first
     * @param cpuSeconds     the process's CPU time over the stretch
     * @param wallSeconds    the stretch's length
     */
    record Summary(Map<String, Double> threadCpuShare, Map<String, Double> sampleShare, Map<String, Double> topMethods,
                   int samples, double cpuSeconds, double wallSeconds) {
    }

    /** Kinds of work, by class-name prefix; the first prefix found from the innermost frame outwards decides. */
    private static final List<String[]> KINDS = List.of(
            new String[] {"forward pass (libtorch, native)", "ai.djl.pytorch.jni."},
            new String[] {"NDArray/DJL Java side", "ai.djl."},
            new String[] {"PNG decode", "com.sun.imageio.plugins.png.PNGImageReader", "java.util.zip.Inflater"},
            new String[] {"PNG encode", "com.sun.imageio.plugins.png.PNGImageWriter", "java.util.zip.Deflater"},
            new String[] {"image pixels (Java2D)", "java.awt.", "sun.awt.", "sun.java2d."},
            new String[] {"Avro (records, Flink serialisation)", "org.apache.avro."},
            new String[] {"Kafka clients", "org.apache.kafka.clients.", "org.apache.kafka.common."},
            new String[] {"Kafka broker", "kafka.", "org.apache.kafka."},
            new String[] {"Flink runtime", "org.apache.flink."},
            new String[] {"maskstream", "org.maskstream."});
    private static final int TOP = 12;
    private static final long SAMPLE_MS = 100;
    /** Linux's USER_HZ: /proc reports CPU time in these ticks. */
    private static final double TICKS_PER_SECOND = 100;
    /** CPU time of threads that started and ended between two samples. */
    static final String UNACCOUNTED = "(not attributed: threads shorter than a sample, rounding)";

    private Profile() {
    }

    /** Runs {@code work} under a JFR recording (written to {@code jfrFile}) and per-thread CPU accounting. */
    static Summary of(Runnable work, Path jfrFile) {
        Map<String, String> names = new ConcurrentHashMap<>();
        Map<String, Long> before = new HashMap<>();
        sample(names, before);
        Map<String, Long> latest = new ConcurrentHashMap<>(before);
        long cpu0 = processCpuNanos();
        long wall0 = System.nanoTime();
        try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
            recording.start();
            // A thread that ends before the stretch does (a cancelled job's) takes its CPU time with it: sample
            // every thread as the work runs.
            Thread sampler = new Thread(() -> {
                do {
                    sample(names, latest);
                } while (sleep());
            }, "bench-sampler");
            sampler.setDaemon(true);
            sampler.start();
            try {
                work.run();
            } finally {
                sampler.interrupt();
                sampler.join();
            }
            sample(names, latest);
            recording.stop();
            recording.dump(jfrFile);
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("JFR recording failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while profiling", e);
        }
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;
        Map<String, Double> byGroup = new HashMap<>();
        Map<String, Integer> threadsPerGroup = new HashMap<>();
        double accounted = 0;
        for (Map.Entry<String, Long> e : latest.entrySet()) {
            double used = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / TICKS_PER_SECOND / cpu;
            String name = names.getOrDefault(e.getKey(), "?");
            if (used > 0 && !name.equals("bench-sampler")) {
                byGroup.merge(group(name), used, Double::sum);
                threadsPerGroup.merge(group(name), 1, Integer::sum);
                accounted += used;
            }
        }
        Map<String, Double> labeled = new HashMap<>();
        byGroup.forEach((g, v) -> labeled.put(g + " (" + threadsPerGroup.get(g) + " thread"
                + (threadsPerGroup.get(g) == 1 ? "" : "s") + ")", v));
        labeled.put(UNACCOUNTED, Math.max(0, 1 - accounted));
        Map<String, Integer> kinds = new HashMap<>();
        Map<String, Integer> methods = new HashMap<>();
        int samples = 0;
        try (RecordingFile file = new RecordingFile(jfrFile)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                String type = event.getEventType().getName();
                boolean running = type.equals("jdk.ExecutionSample");
                if (!running && !type.equals("jdk.NativeMethodSample")) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                RecordedFrame top = stack.getFrames().get(0);
                String topClass = top.getMethod().getType().getName();
                // A thread in native code is mostly waiting (sockets, sleeps): count only the native work we know.
                if (!running && !topClass.startsWith("ai.djl.pytorch.jni.") && !topClass.startsWith("java.util.zip.")) {
                    continue;
                }
                samples++;
                methods.merge(topClass + "." + top.getMethod().getName(), 1, Integer::sum);
                kinds.merge(kind(stack), 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jfrFile + ": " + e.getMessage(), e);
        }
        return new Summary(sorted(labeled, Integer.MAX_VALUE), shares(kinds, samples, Integer.MAX_VALUE),
                shares(methods, samples, TOP), samples, cpu, wall);
    }

    private static String kind(RecordedStackTrace stack) {
        for (RecordedFrame frame : stack.getFrames()) {
            String cls = frame.getMethod().getType().getName();
            for (String[] kind : KINDS) {
                for (int i = 1; i < kind.length; i++) {
                    if (cls.startsWith(kind[i])) {
                        return kind[0];
                    }
                }
            }
        }
        return "other (JDK, GC helpers)";
    }

    /** Thread names without numbers, so "GC Thread#0" and "GC Thread#1" add up; the JVM's own threads named. */
    static String group(String name) {
        if (name.startsWith("C2 Compiler") || name.startsWith("C1 Compiler")) {
            return "JIT compiler";
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return "garbage collector";
        }
        if (name.equals("java")) {
            return "java (main: the benchmark's result reader)";
        }
        return name.replaceAll("\\d+", "N").trim();
    }

    /**
     * Every thread of this process from {@code /proc/self/task}: its name (as the kernel has it: Java names cut to
     * 15 characters; threads a native library starts, such as OpenMP's, carry their creator's name) and its CPU
     * ticks so far. This sees the JIT compilers, the garbage collector and native threads, which the JVM's own
     * thread list does not.
     */
    private static void sample(Map<String, String> names, Map<String, Long> latest) {
        File[] tasks = new File("/proc/self/task").listFiles();
        if (tasks == null) {
            return;
        }
        for (File task : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
                names.putIfAbsent(task.getName(), stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                latest.merge(task.getName(), ticks, Math::max);
            } catch (IOException | RuntimeException ended) {
                // the thread ended between the listing and the read
            }
        }
    }

    private static boolean sleep() {
        try {
            Thread.sleep(SAMPLE_MS);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Map<String, Double> shares(Map<String, Integer> counts, int total, int limit) {
        Map<String, Double> out = new HashMap<>();
        counts.forEach((k, v) -> out.put(k, total == 0 ? 0 : v / (double) total));
        return sorted(out, limit);
    }

    private static Map<String, Double> sorted(Map<String, Double> values, int limit) {
        Map<String, Double> out = new LinkedHashMap<>();
        values.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(limit)
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover profile in the benchmark's temporary folder is removed with the folder
        }
    }
}
