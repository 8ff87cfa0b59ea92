package org.maskstream.bench;

import org.maskstream.experiment.Markdown;
import org.maskstream.experiment.Report;
import org.maskstream.experiment.Setup;
import org.maskstream.stream.InferenceSoak;
import org.maskstream.stream.StreamConfig;
import org.maskstream.util.LinePlot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The benchmark's Markdown, JSON and plots, from {@link Bench.Results}; every sentence with a number is generated. */
final class BenchReport {
    private static final double[] QUANTILES = {0.50, 0.95, 0.99};

    private BenchReport() {
    }

    /** A latency figure of one load step: percentiles of each segment, then their spread. */
    record Latency(String delivery, double load, double rate, Spread p50, Spread p95, Spread p99, int requests) {
    }

    static void write(Bench.Results r, Report report, Setup setup, Bench.Sizes sizes) {
        String base = setup.baseName();
        Map<String, Spread> pipelineRatios = new LinkedHashMap<>();
        Map<String, Spread> pathRatios = new LinkedHashMap<>();
        for (int b : Bench.BATCHES) {
            double[] forward = values(r.bare.get(b), BareModel.Run::forwardImagesPerSecond);
            double[] path = values(r.bare.get(b), BareModel.Run::pathImagesPerSecond);
            for (StreamConfig.Delivery d : StreamConfig.Delivery.values()) {
                double[] job = r.pipeline.get(Bench.key(b, d));
                pipelineRatios.put(Bench.key(b, d), ratios(job, forward));
                pathRatios.put(Bench.key(b, d), ratios(job, path));
            }
        }
        List<Latency> latency = new ArrayList<>();
        r.latency.forEach((d, steps) -> steps.forEach(step -> latency.add(latency(d, step))));
        double forward8 = Spread.of(values(r.bare.get(Bench.LATENCY_BATCH), BareModel.Run::batchForwardMs)).median();
        double bound = r.batchWaitMs + 2 * forward8;
        Latency half = latency.stream().filter(l -> l.delivery.equals("at-least-once") && l.load == 0.5).findFirst()
                .orElseThrow();
        Spread parallelism = ratios(r.parallelism.get(2), r.parallelism.get(1));

        StringBuilder md = new StringBuilder(report.markdownHeader("Benchmarks: the pipeline against the bare model,"
                + " DJL against PyTorch, latency under load"));
        md.append("- **Load average:** ").append(r.loadAtStart).append(" at the start, ").append(r.loadAtEnd)
                .append(" at the end (this machine's 2 cores were shared with other work: every figure below is a"
                        + " median of runs taken under that load, and each ratio compares runs taken within minutes of"
                        + " each other, in this one process).\n")
                .append(String.format(Locale.ROOT, "- **Threads:** PyTorch intra-op %d, inter-op 1 (parts 1, 2, 4"
                        + " and the image-size and instruction rows of 5); part 3 runs DJL and PyTorch at 1 and at 2;"
                        + " part 5's parallelism rows use 1 x 2 and 2 x 1. OMP_NUM_THREADS=%s.%n", r.threads,
                        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset")))
                .append(String.format(Locale.ROOT, "- **Model:** the default `train` architecture (xattn fusion,"
                        + " U-Net decoder, scratch encoders, dim 64, 3 fusion blocks, 2 text layers, 64 px, 16"
                        + " tokens) with random parameters (speed does not depend on them); traffic: synthetic 64 px"
                        + " scenes, every request with its true mask. Each figure is the median of %d runs, (min-max)"
                        + " after it.%n", sizes.runs()))
                .append(String.format(Locale.ROOT, "- **Jobs:** local Flink, in-process Kafka broker, checkpoints"
                        + " every %d ms (the exactly-once latency floor), batch wait %d ms, parallelism 1 unless"
                        + " said.%n%n", r.checkpointMs, r.batchWaitMs));

        md.append("## Ratios\n\n");
        Markdown ratios = new Markdown("ratio", "median (min-max)", "goal", "met");
        pipelineRatios.forEach((k, s) -> ratios.row("pipeline / bare forward, batch " + k, s.text("%.2f"),
                ">= " + Bench.PIPELINE_GOAL, met(s.median() >= Bench.PIPELINE_GOAL)));
        for (TorchComparison.Result t : r.torch) {
            Spread inf = ratios(t.djlInference(), t.torchInference());
            Spread train = ratios(t.djlTraining(), t.torchTraining());
            ratios.row("DJL / PyTorch inference, " + t.threads() + " thread(s), batch " + t.batch(), inf.text("%.2f"),
                    ">= " + Bench.TORCH_GOAL, met(inf.median() >= Bench.TORCH_GOAL));
            ratios.row("DJL / PyTorch training steps, " + t.threads() + " thread(s), batch " + t.batch(),
                    train.text("%.2f"), ">= " + Bench.TORCH_GOAL, met(train.median() >= Bench.TORCH_GOAL));
        }
        ratios.row("p99 at 50% load, at-least-once / bound", half.p99.median() / bound > 0
                        ? String.format(Locale.ROOT, "%.2f (p99 %.0f ms, bound %.0f ms)", half.p99.median() / bound,
                        half.p99.median(), bound) : "n/a", "<= 1", met(half.p99.median() <= bound));
        ratios.row("parallelism 2 x 1 thread / 1 x 2 threads", parallelism.text("%.2f"),
                ">= " + Bench.PARALLELISM_GOAL, met(parallelism.median() >= Bench.PARALLELISM_GOAL));
        md.append(ratios).append('\n');
        md.append(String.format(Locale.ROOT, "The bound on p99 is the batch wait (%d ms) plus twice the forward time of"
                + " a batch of %d (%.0f ms, part 1).%n%n", r.batchWaitMs, Bench.LATENCY_BATCH, forward8));

        md.append("## Where the time goes\n\n");
        md.append(Explain.all(r, pipelineRatios, half, bound, parallelism)).append('\n');

        md.append("## 1. The bare model\n\nThe inference subtask's work in a loop on one thread, no Flink or Kafka."
                + " Milliseconds per request in each step (the forward pass: a batch's time over its size).\n\n");
        md.append(bareTable(r.bare, false)).append("\nThe traffic's images are already 64 px, the model's input size,"
                + " so resizing is skipped as in the job; part 5 shows larger inputs.\n\n");
        md.append("**The grounded model** (the same network with the prior channel, `train --prior coco-detector`, as"
                + " `runs/real-models/grounded-all-photos` serves): the prior step is the int8 COCO detector (ONNX"
                + " Runtime, 256 px input) on each decoded image, then the grounding of the instruction.\n\n");
        if (r.grounded.isEmpty()) {
            md.append("Not measured: ").append(r.groundedSkipped).append("\n\n");
        } else {
            md.append(bareTable(r.grounded, true)).append('\n');
        }

        md.append("## 2. The pipeline at its maximum rate\n\nKafka -> job -> Kafka: the request topic is filled"
                + " before the job starts; the first block of results (start-up, model load) is not counted, each"
                + " later block is one run. Results are counted as the job writes them (read uncommitted), so with"
                + " exactly-once the checkpoint's delay before they become readable does not count as slowness.\n\n");
        Markdown pipe = new Markdown("batch", "delivery", "pipeline results/s", "bare forward images/s",
                "pipeline / bare forward", "pipeline / bare whole path");
        for (int b : Bench.BATCHES) {
            for (StreamConfig.Delivery d : StreamConfig.Delivery.values()) {
                String k = Bench.key(b, d);
                pipe.row(b, k.substring(k.indexOf('/') + 1), Spread.of(r.pipeline.get(k)).text("%.1f"),
                        spread(r.bare.get(b), BareModel.Run::forwardImagesPerSecond, "%.1f"),
                        pipelineRatios.get(k).text("%.2f"), pathRatios.get(k).text("%.2f"));
            }
        }
        md.append(pipe).append('\n');
        Profile.Summary p8 = r.profiles.get(Bench.key(Bench.LATENCY_BATCH, StreamConfig.Delivery.AT_LEAST_ONCE));
        md.append("Profile of the batch-8 at-least-once job: CPU time per thread from /proc (names as the kernel"
                + " has them, cut to 15 characters), and JFR samples of running Java code plus the PyTorch and zlib"
                + " native methods (JFR's `profile` settings sample native methods every 20 ms, Java code every 10 ms,"
                + " so the forward pass is under-weighted there; the thread table is exact):\n\n").append(profileTables(p8)).append('\n');

        md.append("## 3. DJL against PyTorch\n\nThe same network written once in PyTorch (`bench/pytorch/reference.py`,"
                + " Debian python3-torch, `/usr/bin/python3`), with DJL's parameters copied in (names and shapes checked"
                + " one by one), the same input batch, the same intra-op thread count and one inter-op thread on both"
                + " sides. Inference: the forward pass on ready tensors; training: forward, BCE + Dice loss, backward"
                + " and an Adam step. The outputs are compared before any timing.\n\n");
        Markdown torch = new Markdown("threads", "batch", "parameters DJL / PyTorch", "max abs logit difference",
                "DJL images/s", "PyTorch images/s", "DJL training steps/s", "PyTorch training steps/s");
        for (TorchComparison.Result t : r.torch) {
            torch.row(t.threads(), t.batch(), t.djlParameters() + " / " + t.torchParameters(),
                    String.format(Locale.ROOT, "%.2e", t.maxAbsDifference()), Spread.of(t.djlInference()).text("%.1f"),
                    Spread.of(t.torchInference()).text("%.1f"), Spread.of(t.djlTraining()).text("%.2f"),
                    Spread.of(t.torchTraining()).text("%.2f"));
        }
        md.append(torch).append("\nPyTorch: ").append(r.torch.isEmpty() ? "-" : r.torch.get(0).torchVersion())
                .append("; DJL 0.36 on libtorch 2.7.1.\n\n");

        md.append("## 4. Latency under load\n\nEnd to end: from just before a request is sent to when a"
                + " `read_committed` reader has its result, at batch ").append(Bench.LATENCY_BATCH)
                .append(", in rising steps of the maximum rate part 2 measured for the same delivery mode; each step"
                        + " is ").append(sizes.runs()).append(" runs of ")
                .append(String.format(Locale.ROOT, "%.1f", sizes.latencySeconds()))
                .append(" s after a warm-up. With exactly-once a result is readable only once the checkpoint after it"
                        + " completes: its floor is the checkpoint interval, ").append(r.checkpointMs)
                .append(" ms here (10 s by default).\n\n");
        Markdown lat = new Markdown("delivery", "load", "requests/s", "p50 ms", "p95 ms", "p99 ms", "requests");
        latency.forEach(l -> lat.row(l.delivery, String.format(Locale.ROOT, "%.0f%%", 100 * l.load),
                String.format(Locale.ROOT, "%.1f", l.rate), l.p50.text("%.0f"), l.p95.text("%.0f"), l.p99.text("%.0f"),
                l.requests));
        md.append(lat).append("\n![latency against load](").append(base).append("-latency.png)\n\n");

        md.append("## 5. Scaling\n\n### Parallelism on the 2 cores\n\nAt-least-once, batch ")
                .append(Bench.LATENCY_BATCH).append(", the same total of intra-op threads.\n\n");
        Markdown par = new Markdown("subtasks x threads", "results/s");
        r.parallelism.forEach((p, rates) -> par.row(p + " x " + 2 / p, Spread.of(rates).text("%.1f")));
        md.append(par).append("\n### Input size\n\nThe default architecture at each input size (images of that size),"
                + " batch 8, the bare model.\n\n").append(scalingTable("input px", r.imageSizes))
                .append("\n### Instruction length\n\nThe default architecture reading up to N tokens, instructions"
                        + " repeated to N words, batch 8, the bare model.\n\n")
                .append(scalingTable("tokens", r.tokens)).append('\n');

        md.append("## 6. Memory\n\n");
        md.append(String.format(Locale.ROOT, "Resident memory of this process over %,d events through the inference"
                        + " path (`InferenceSoak`, the loop `InferenceSoakITCase` asserts on: decode, batched predict in"
                        + " batches of 16, results) with the soak's tiny model (%d px, dim %d, %d fusion block), %.0f s."
                        + " Sampled after a GC.%n%n", r.soak.get(r.soak.size() - 1).events(), r.soakConfig.inputSize(),
                r.soakConfig.dim(), r.soakConfig.layers(), r.soakSeconds));
        Markdown soak = new Markdown("events", "RSS MB");
        r.soak.forEach(s -> soak.row(String.format(Locale.ROOT, "%,d", s.events()), s.rssKb() / 1024));
        md.append(soak).append("\n![resident memory over the soak](").append(base).append("-memory.png)\n\n");
        md.append("Loading default models one after another (each answers one request), as a subtask holds the"
                + " serving and the next version during a hot-swap:\n\n");
        Markdown mem = new Markdown("models loaded", "heap MB (after GC)", "RSS MB", "RSS - heap MB (native, roughly)");
        r.perVersion.forEach(m -> mem.row(m.loaded(), String.format(Locale.ROOT, "%.1f", m.heapMb()),
                String.format(Locale.ROOT, "%.1f", m.rssMb()), String.format(Locale.ROOT, "%.1f", m.rssMb() - m.heapMb())));
        md.append(mem);
        MemoryUse.Loaded first = r.perVersion.get(1);
        MemoryUse.Loaded last = r.perVersion.get(r.perVersion.size() - 1);
        int extra = r.perVersion.size() - 2;
        md.append(String.format(Locale.ROOT, "%nEach further version: %.1f MB heap, %.1f MB resident (the first also"
                        + " brings the engine's own memory).%n", (last.heapMb() - first.heapMb()) / Math.max(1, extra),
                (last.rssMb() - first.rssMb()) / Math.max(1, extra)));
        md.append(report.markdownFooter(base));

        plots(r, latency, setup);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sizes", sizes);
        json.put("loadAverage", Map.of("start", r.loadAtStart, "end", r.loadAtEnd));
        json.put("threads", r.threads);
        json.put("bare", r.bare);
        json.put("groundedBare", r.grounded);
        json.put("pipeline", r.pipeline);
        json.put("pipelineOverBareForward", pipelineRatios);
        json.put("pipelineOverBarePath", pathRatios);
        json.put("profiles", r.profiles);
        json.put("latency", latency);
        json.put("latencyBoundMs", bound);
        json.put("parallelism", r.parallelism);
        json.put("parallelismProfiles", r.parallelismProfiles);
        json.put("torch", r.torch);
        json.put("imageSizes", r.imageSizes);
        json.put("tokens", r.tokens);
        json.put("soak", r.soak);
        json.put("perVersion", r.perVersion);
        Report.write(setup.outDir(), base, report.json(json), md.toString());
    }

    static String profileTables(Profile.Summary p) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Process CPU %.1f s over %.1f s (%.2f cores); %d JFR samples.%n%n",
                p.cpuSeconds(), p.wallSeconds(), p.cpuSeconds() / p.wallSeconds(), p.samples()));
        Markdown threads = new Markdown("thread group", "share of process CPU");
        p.threadCpuShare().entrySet().stream().limit(10).forEach(e -> threads.row(e.getKey(), percent(e.getValue())));
        Markdown kinds = new Markdown("work (JFR, innermost known frame)", "share of samples");
        p.sampleShare().forEach((k, v) -> kinds.row(k, percent(v)));
        Markdown methods = new Markdown("innermost method (JFR)", "share of samples");
        p.topMethods().forEach((k, v) -> methods.row("`" + k + "`", percent(v)));
        return sb.append(threads).append('\n').append(kinds).append('\n').append(methods).toString();
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private static String bareTable(Map<Integer, List<BareModel.Run>> runs, boolean withPrior) {
        List<String> header = new ArrayList<>(List.of("batch", "forward images/s", "whole path images/s",
                "batch forward ms", "decode", "resize"));
        if (withPrior) {
            header.add("prior (detector)");
        }
        header.addAll(List.of("tensors", "forward", "mask PNG", "IoU"));
        Markdown t = new Markdown(header.toArray(String[]::new));
        runs.forEach((b, v) -> {
            List<Object> row = new ArrayList<>(List.of(b, spread(v, BareModel.Run::forwardImagesPerSecond, "%.1f"),
                    spread(v, BareModel.Run::pathImagesPerSecond, "%.1f"),
                    spread(v, BareModel.Run::batchForwardMs, "%.1f"), spread(v, x -> x.perRequest().decode(), "%.2f"),
                    spread(v, x -> x.perRequest().resize(), "%.3f")));
            if (withPrior) {
                row.add(spread(v, x -> x.perRequest().prior(), "%.1f"));
            }
            row.addAll(List.of(spread(v, x -> x.perRequest().tensor(), "%.2f"),
                    spread(v, x -> x.perRequest().forward(), "%.1f"), spread(v, x -> x.perRequest().maskPng(), "%.2f"),
                    spread(v, x -> x.perRequest().iou(), "%.2f")));
            t.row(row.toArray());
        });
        return t.toString();
    }

    private static String scalingTable(String what, Map<Integer, List<BareModel.Run>> runs) {
        Markdown t = new Markdown(what, "forward images/s", "whole path images/s", "decode ms", "tensors ms",
                "forward ms", "mask PNG ms", "IoU ms");
        runs.forEach((k, v) -> t.row(k, spread(v, BareModel.Run::forwardImagesPerSecond, "%.1f"),
                spread(v, BareModel.Run::pathImagesPerSecond, "%.1f"), spread(v, x -> x.perRequest().decode(), "%.2f"),
                spread(v, x -> x.perRequest().tensor(), "%.2f"), spread(v, x -> x.perRequest().forward(), "%.1f"),
                spread(v, x -> x.perRequest().maskPng(), "%.2f"), spread(v, x -> x.perRequest().iou(), "%.2f")));
        return t.toString();
    }

    private static void plots(Bench.Results r, List<Latency> latency, Setup setup) {
        LinePlot lat = new LinePlot("end-to-end latency against load (batch " + Bench.LATENCY_BATCH + ")",
                "load, % of the maximum rate", "latency, ms");
        for (String d : List.of("at-least-once", "exactly-once")) {
            List<Latency> rows = latency.stream().filter(l -> l.delivery.equals(d)).toList();
            double[] x = rows.stream().mapToDouble(l -> 100 * l.load).toArray();
            lat.series(d + " p50", x, rows.stream().mapToDouble(l -> l.p50.median()).toArray());
            lat.series(d + " p99", x, rows.stream().mapToDouble(l -> l.p99.median()).toArray());
        }
        lat.write(setup.outDir().resolve(setup.baseName() + "-latency.png"), 720, 400);
        new LinePlot("resident memory over the soak", "events", "RSS, MB")
                .series("RSS", r.soak.stream().mapToDouble(InferenceSoak.Sample::events).toArray(),
                        r.soak.stream().mapToDouble(s -> s.rssKb() / 1024.0).toArray())
                .write(setup.outDir().resolve(setup.baseName() + "-memory.png"), 720, 360);
    }

    private static Latency latency(StreamConfig.Delivery d, Pipeline.LatencySegments step) {
        List<double[]> segs = step.segments().stream().filter(s -> s.length > 0).toList();
        double[][] q = new double[QUANTILES.length][segs.size()];
        for (int i = 0; i < segs.size(); i++) {
            double[] sorted = segs.get(i).clone();
            Arrays.sort(sorted);
            for (int j = 0; j < QUANTILES.length; j++) {
                q[j][i] = sorted[Math.max(0, (int) Math.ceil(QUANTILES[j] * sorted.length) - 1)];
            }
        }
        int requests = segs.stream().mapToInt(s -> s.length).sum();
        Spread nan = new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
        return new Latency(d == StreamConfig.Delivery.EXACTLY_ONCE ? "exactly-once" : "at-least-once", step.load(),
                step.rate(), segs.isEmpty() ? nan : Spread.of(q[0]), segs.isEmpty() ? nan : Spread.of(q[1]),
                segs.isEmpty() ? nan : Spread.of(q[2]), requests);
    }

    /** Run i of {@code a} over run i of {@code b}. */
    static Spread ratios(double[] a, double[] b) {
        int n = Math.min(a.length, b.length);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = a[i] / b[i];
        }
        return Spread.of(out);
    }

    static <T> double[] values(List<T> runs, ToDoubleFunction<T> f) {
        return runs.stream().mapToDouble(f).toArray();
    }

    private static <T> String spread(List<T> runs, ToDoubleFunction<T> f, String format) {
        return Spread.of(values(runs, f)).text(format);
    }

    private static String met(boolean ok) {
        return ok ? "yes" : "**no**";
    }
}
