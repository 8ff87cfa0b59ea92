package org.maskstream.cli;

import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetException;
import org.maskstream.data.DatasetReader;
import org.maskstream.data.Example;
import org.maskstream.demo.DemoRetraining;
import org.maskstream.demo.Demo;
import org.maskstream.demo.DemoModel;
import org.maskstream.util.Directories;
import org.maskstream.train.TrainingDivergedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code maskstream demo}: the streaming job end to end in one process, no arguments needed. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole pipeline in this process: an in-process Kafka broker, the streaming job on a "
                + "local Flink, steady synthetic traffic (half labeled, 1%% corrupt) and a live line every 5 s: "
                + "events/s, p50/p99 latency, the last window's IoU, dead letters.",
                "The job starts from a deliberately weak model (trained for seconds, once, into "
                        + "~/.cache/maskstream/demo-model-weak), gathers the labeled events and retrains in the background "
                        + "every --retrain-every; a better model is hot-swapped in, so the live line's model version and "
                        + "window IoU change. With --no-retrain it serves a small model trained once into "
                        + "~/.cache/maskstream/demo-model (a few minutes); later runs reuse both.",
                "Ctrl-C or the end of --duration stops it cleanly."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--no-retrain", description = "Serve the trained demo model as is: no gathering, no retraining.")
    boolean noRetrain;

    @Option(names = "--retrain-every", defaultValue = "2m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time between retraining attempts (default: ${DEFAULT-VALUE}).")
    Duration retrainEvery;

    @Option(names = "--duration", description = "Seconds to stream (default: until Ctrl-C).")
    Long durationSeconds;

    @Option(names = "--rate", defaultValue = "20", description = "Requests per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--data", description = "Stream this dataset folder (e.g. ../shared/data/magicbrush-sample) "
            + "instead of synthetic scenes.")
    Path data;

    @Option(names = "--model", description = "Serve this model folder (written by 'train') instead of the demo model.")
    Path model;

    @Override
    public Integer call() throws Exception {
        if (!(rate > 0)) {
            throw new UserError("--rate must be positive, got " + rate);
        }
        if (retrainEvery.isZero() || retrainEvery.isNegative()) {
            throw new UserError("--retrain-every must be positive, got " + retrainEvery);
        }
        if (durationSeconds != null && durationSeconds <= 0) {
            throw new UserError("--duration must be a positive number of seconds, got " + durationSeconds);
        }
        // First of all, before anything creates a temporary file (the JDK caches the temp directory on first
        // use): Kafka, Flink and the native libraries put theirs under java.io.tmpdir, which becomes ours.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "maskstream-demo-" + UUID.randomUUID());
        Files.createDirectories(tmp);
        System.setProperty("java.io.tmpdir", tmp.toString());
        CountDownLatch finished = new CountDownLatch(1);
        Demo[] running = new Demo[1];
        Thread hook = new Thread(() -> {
            if (running[0] == null) {
                // stopped while the model trains: nothing runs yet that needs an orderly stop
                Directories.deleteRecursively(tmp);
                return;
            }
            running[0].stop();
            try {
                finished.await(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<Example> examples = data == null ? null : readData();
            Path modelDir;
            try {
                modelDir = model != null ? model : noRetrain ? DemoModel.ensure(DemoModel.DEFAULT_DIR, System.out)
                        : DemoModel.ensure(DemoModel.WEAK_DIR, DemoModel.WEAK_BUDGET, System.out);
            } catch (TrainingDivergedException e) {
                throw new UserError("training the demo model diverged three times (" + e.getMessage()
                        + "); run the demo again, or give a model folder with --model", e);
            }
            DemoRetraining loop = noRetrain ? null : DemoRetraining.create(tmp.resolve("retraining"), modelDir,
                    retrainEvery, launcher(tmp));
            running[0] = new Demo(new Demo.Options(durationSeconds == null ? null : Duration.ofSeconds(durationSeconds),
                    rate, examples, loop == null ? modelDir : loop.servingModel(), System.out, loop), tmp);
            long results = running[0].run();
            if (results == 0) {
                throw new UserError("the demo produced no results; see the log lines above for the cause");
            }
            return 0;
        } finally {
            Directories.deleteRecursively(tmp);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for 'finished'
            }
        }
    }

    /** This launcher in a new JVM: same Java, class path and temporary folder, DJL offline. */
    private static List<String> launcher(Path tmp) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-Dai.djl.offline=true", "-Djava.io.tmpdir=" + tmp,
                "-XX:ErrorFile=" + tmp.resolve("hs_err_pid%p.log"),
                "-Dlog4j2.configurationFile=log4j2-cli.properties", "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
    }

    private List<Example> readData() {
        try {
            Dataset dataset = DatasetReader.read(data, true);
            dataset.warnings().forEach(w -> System.err.println("warning: " + w));
            if (dataset.examples().isEmpty()) {
                throw new UserError("the dataset in " + data + " has no readable examples");
            }
            return dataset.examples();
        } catch (DatasetException e) {
            throw new UserError(e.getMessage(), e);
        }
    }
}
