package org.maskstream.bench;

import org.maskstream.stream.StreamConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The "where the time goes" paragraphs: one for every ratio below its goal, written from that measurement's
 * profile (thread CPU time and JFR samples), so regenerating the file regenerates the explanation.
 */
final class Explain {
    /** The batcher threads' name as the kernel has it (cut to 15 characters), with any OpenMP workers they start. */
    private static final String BATCHER = "inference-batch";
    private static final int SHOWN = 4;

    private Explain() {
    }

    static String all(Bench.Results r, Map<String, Spread> pipelineRatios, BenchReport.Latency half, double bound,
                      Spread parallelism) {
        List<String> paragraphs = new ArrayList<>();
        pipelineRatios.forEach((key, ratio) -> {
            if (ratio.median() < Bench.PIPELINE_GOAL) {
                paragraphs.add(String.format(Locale.ROOT, "**Pipeline / bare, batch %s: %.2f.** %s", key, ratio.median(),
                        pipeline(r.profiles.get(key))));
            }
        });
        for (TorchComparison.Result t : r.torch) {
            Spread inf = BenchReport.ratios(t.djlInference(), t.torchInference());
            Spread train = BenchReport.ratios(t.djlTraining(), t.torchTraining());
            if (inf.median() < Bench.TORCH_GOAL || train.median() < Bench.TORCH_GOAL) {
                paragraphs.add(String.format(Locale.ROOT, "**DJL / PyTorch at %d thread(s): inference %.2f, training"
                        + " %.2f.** %s", t.threads(), inf.median(), train.median(), torch(t.djlProfile())));
            }
        }
        if (!(half.p99().median() <= bound)) {
            paragraphs.add(String.format(Locale.ROOT, "**p99 at 50%% load, at-least-once: %.0f ms against a bound of"
                            + " %.0f ms** (p50 %.0f ms, p95 %.0f ms, at %.1f requests/s). %s", half.p99().median(), bound,
                    half.p50().median(), half.p95().median(), half.rate(),
                    latency(r.latencyProfiles.get(StreamConfig.Delivery.AT_LEAST_ONCE))));
        }
        if (parallelism.median() < Bench.PARALLELISM_GOAL) {
            paragraphs.add(String.format(Locale.ROOT, "**Parallelism 2 x 1 / 1 x 2: %.2f.** With one subtask: %s With"
                            + " two: %s", parallelism.median(), cores(r.parallelismProfiles.get(1)),
                    cores(r.parallelismProfiles.get(2))));
        }
        return paragraphs.isEmpty() ? "Every ratio meets its goal.\n" : String.join("\n\n", paragraphs) + "\n";
    }

    private static String pipeline(Profile.Summary p) {
        double batcher = batcher(p);
        return String.format(Locale.ROOT, "Profile of that job: %s The model's thread (`%s`: decode, forward, mask"
                        + " PNG, IoU, the whole loop of the bare model, with any threads libtorch starts from it) had"
                        + " %s of it; the other %s is what the job adds"
                        + " around the model: %s. By JFR samples: %s. On 2 shared cores that work takes CPU the"
                        + " forward pass would otherwise have.", cores(p), BATCHER, BenchReport.percent(batcher),
                BenchReport.percent(1 - batcher), others(p), kinds(p));
    }

    private static String torch(Profile.Summary p) {
        return String.format(Locale.ROOT, "JFR samples of DJL's inference runs: %s; the Java side (NDArray creation"
                + " and the JNI calls of each of the network's small operators) is what PyTorch's Python does in C++;"
                + " the arithmetic is the same libtorch kernels (2.7.1 here against 1.13 in Python).", kinds(p));
    }

    private static String latency(Profile.Summary p) {
        return String.format(Locale.ROOT, "A request waits for its batch (up to the batch wait: at half the maximum"
                        + " rate a batch of 8 seldom fills), then for the batch running ahead of it, then its own"
                        + " forward pass, then the sink and the reader's poll. The latency job's profile: %s The"
                        + " model's thread had %s; the others: %s.", cores(p),
                BenchReport.percent(batcher(p)), others(p));
    }

    private static double batcher(Profile.Summary p) {
        return p.threadCpuShare().entrySet().stream().filter(e -> e.getKey().startsWith(BATCHER))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static String cores(Profile.Summary p) {
        return String.format(Locale.ROOT, "the process used %.1f s of CPU in %.1f s, %.2f of the 2 cores.",
                p.cpuSeconds(), p.wallSeconds(), p.cpuSeconds() / p.wallSeconds());
    }

    private static String others(Profile.Summary p) {
        return p.threadCpuShare().entrySet().stream().filter(e -> !e.getKey().startsWith(BATCHER)).limit(SHOWN)
                .map(e -> "`" + e.getKey() + "` " + BenchReport.percent(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String kinds(Profile.Summary p) {
        return p.sampleShare().entrySet().stream().limit(SHOWN + 1)
                .map(e -> e.getKey() + " " + BenchReport.percent(e.getValue())).collect(Collectors.joining(", "));
    }
}
