package org.maskstream.cli;

import org.maskstream.bench.Bench;
import org.maskstream.experiment.Setup;
import org.maskstream.experiment.WorkDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** {@code experiment bench}: speed and memory of the model, the pipeline around it, and PyTorch for comparison. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark in one run: (1) the bare model's images/s at batch 1, 8, 32 with each per-request"
                + " step timed, (2) the job Kafka -> Flink -> Kafka at its maximum rate, exactly-once and"
                + " at-least-once, against (1), (3) DJL against the same network in PyTorch"
                + " (bench/pytorch/reference.py, /usr/bin/python3 with python3-torch), (4) latency p50/p95/p99 at"
                + " 25-100%% of the maximum rate, (5) parallelism 1 against 2 and the cost of larger images and"
                + " instructions, (6) resident memory over a soak and per loaded model. Writes bench.md, bench.json,"
                + " bench-latency.png and bench-memory.png; run it from the repository root.",
                "The full run takes about 15 minutes on 2 cores; --quick is a smoke run of about a minute that"
                        + " writes bench-quick.* instead."})
final class BenchCommand implements Runnable {
    private static final String INTEROP_PROPERTY = "ai.djl.pytorch.num_interop_threads";

    @Option(names = "--quick", description = "Tiny counts that check every part; its numbers mean nothing. Writes"
            + " bench-quick.* so it never replaces the full results.")
    boolean quick;

    @Option(names = "--threads", defaultValue = "1", description = "PyTorch intra-op threads for the parts that do"
            + " not compare thread counts (default: ${DEFAULT-VALUE}; on a shared 2-core machine 1 is fastest).")
    int threads;

    @Option(names = "--runs", description = "Runs behind every figure (default: 5, --quick: 2).")
    Integer runs;

    @Option(names = "--out", defaultValue = "docs/results",
            description = "Folder for the results files (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public void run() {
        ModelCommands.useThreads(threads);
        Bench.Sizes sizes = quick ? Bench.quick() : Bench.full();
        if (runs != null) {
            if (runs < 1) {
                throw new UserError("--runs must be at least 1, got " + runs);
            }
            sizes = sizes.withRuns(runs);
        }
        String base = Bench.NAME + (quick ? "-quick" : "");
        String command = "bin/maskstream experiment bench" + (quick ? " --quick" : "") + " --threads " + threads
                + (runs == null ? "" : " --runs " + runs) + (out.equals(Path.of("docs/results")) ? "" : " --out " + out);
        // Read once when the engine starts; libtorch refuses to change it after parallel work has begun.
        System.setProperty(INTEROP_PROPERTY, "1");
        try (WorkDir work = WorkDir.of(null, "maskstream-bench")) {
            Bench.run(sizes, threads, new Setup(out, base, work.path(), false, command, System.err));
        }
        System.out.printf(Locale.ROOT, "wrote %s.md, %s.json, %s-latency.png and %s-memory.png to %s%n", base, base,
                base, base, out.toAbsolutePath());
    }
}
