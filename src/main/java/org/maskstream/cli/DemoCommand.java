package org.maskstream.cli;

import org.maskstream.util.DurationConverter;
import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetException;
import org.maskstream.data.DatasetReader;
import org.maskstream.data.Example;
import org.maskstream.demo.Demo;
import org.maskstream.demo.DemoModel;
import org.maskstream.demo.DemoRetraining;
import org.maskstream.model.SavedModel;
import org.maskstream.util.Directories;
import org.maskstream.train.TrainingDivergedException;
import org.maskstream.view.View;
import org.maskstream.view.ViewState;
import org.maskstream.stream.KafkaConfigOption;
import org.maskstream.stream.StreamConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
                "With --kafka-config FILE every client of the demo (job, traffic, view, retraining) uses those Kafka "
                        + "client properties, and the in-process broker takes the login they name: security.protocol="
                        + "SASL_PLAINTEXT with sasl.mechanism=PLAIN makes it a SASL broker with that one user.",
                "It serves the live view (photos with their masks, IoU per model version, dead letters, the model "
                        + "timeline) and Flink's web UI, and prints both addresses; --no-view turns them off.",
                "Ctrl-C or the end of --duration stops it cleanly."})
public final class DemoCommand implements Callable<Integer> {

    @Mixin
    KafkaConfigOption kafkaConfig = new KafkaConfigOption();

    @Option(names = "--no-retrain", description = "Serve the trained demo model as is: no gathering, no retraining.")
    boolean noRetrain;

    @Option(names = "--retrain-every", defaultValue = "2m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time between retraining attempts (default: ${DEFAULT-VALUE}).")
    Duration retrainEvery;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to stream, e.g. 90s or 5m (default: until Ctrl-C).")
    Duration duration;

    @Option(names = "--no-view", description = "Start neither the live web view nor Flink's web UI.")
    boolean noView;

    @Option(names = "--view-port", defaultValue = "8080", description = "Port of the live web view; when it is taken, "
            + "any free one (default: ${DEFAULT-VALUE}).")
    int viewPort;

    @Option(names = "--rate", defaultValue = "20", description = "Requests per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--data", description = "Stream this dataset folder (e.g. ../shared/data/magicbrush-sample) "
            + "instead of synthetic scenes.")
    Path data;

    @Option(names = "--model", description = "Serve this model folder (written by 'train', or of kind onnx with"
            + " --no-retrain) instead of the demo model.")
    Path model;

    @Override
    public Integer call() throws Exception {
        if (!(rate > 0)) {
            throw new UserError("--rate must be positive, got " + rate);
        }
        if (retrainEvery.isZero() || retrainEvery.isNegative()) {
            throw new UserError("--retrain-every must be positive, got " + retrainEvery);
        }
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            throw new UserError("--duration must be positive, got " + duration);
        }
        if (viewPort < 0 || viewPort > 65535) {
            throw new UserError("--view-port must be between 0 and 65535, got " + viewPort);
        }
        if (model != null && !noRetrain && SavedModel.isOnnx(model)) {
            throw new UserError("--model " + model + " is an onnx model, which the demo's retraining loop cannot"
                    + " fine-tune: add --no-retrain to serve it as is");
        }
        Map<String, String> kafka;
        try {
            kafka = kafkaConfig.properties();
            Demo.brokerFor(kafka);
            // the properties the job sets itself are refused here, before the demo model trains for minutes
            StreamConfig.builder().kafka(kafka).build();
        } catch (IllegalArgumentException e) {
            throw new UserError("--kafka-config " + kafkaConfig.file() + ": " + e.getMessage(), e);
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
                        : DemoModel.ensureWeak(System.out);
            } catch (TrainingDivergedException e) {
                throw new UserError("training the demo model diverged three times (" + e.getMessage()
                        + "); run the demo again, or give a model folder with --model", e);
            }
            DemoRetraining loop = noRetrain ? null : DemoRetraining.create(tmp.resolve("retraining"), modelDir,
                    retrainEvery, launcher(tmp), kafkaConfig.file());
            running[0] = new Demo(new Demo.Options(duration, rate, examples,
                    loop == null ? modelDir : loop.servingModel(), System.out, loop,
                    noView ? null : view(loop == null ? null : loop.registryDir()), kafka), tmp);
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

    /**
     * The live view on the demo's topics from their beginning (the broker is the demo's own), on --view-port or, when
     * that is taken (another demo, another server), on any free port.
     */
    private Demo.Attachment view(Path registry) {
        return (config, out) -> {
            View view;
            try {
                view = View.start(config, new View.Options("127.0.0.1", viewPort, registry, true,
                        ViewState.Limits.DEFAULT));
            } catch (RuntimeException taken) {
                out.println("port " + viewPort + " is taken (" + taken.getMessage() + "); the view uses a free one");
                view = View.start(config, new View.Options("127.0.0.1", 0, registry, true, ViewState.Limits.DEFAULT));
            }
            out.println("live view: " + view.url() + "  (photos with their masks, IoU, dead letters, model timeline)");
            return view;
        };
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
