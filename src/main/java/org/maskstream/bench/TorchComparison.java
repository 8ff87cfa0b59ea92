package org.maskstream.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import org.maskstream.data.Example;
import org.maskstream.model.Batches;
import org.maskstream.model.LossKind;
import org.maskstream.model.MaskLoss;
import org.maskstream.model.MaskNet;
import org.maskstream.model.ModelConfig;
import org.maskstream.model.PreparedExample;
import org.maskstream.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * DJL against PyTorch for the same network (part 3). The DJL network's parameters, one batch of inputs and DJL's
 * logits for it are written to a folder; {@code bench/pytorch/reference.py} builds the same network in PyTorch,
 * loads those parameters, checks its logits against DJL's, and times itself. This side times DJL on the same batch,
 * with the same intra-op thread count and one inter-op thread on both sides.
 */
final class TorchComparison {
    /** The reference script, relative to the repository root. */
    static final Path SCRIPT = Path.of("bench", "pytorch", "reference.py");
    static final String PYTHON = "/usr/bin/python3";
    private static final float LEARNING_RATE = 1e-3f;

    /**
     * @param maxAbsDifference largest |DJL logit - PyTorch logit| over the batch, before any timing
     */
    record Result(int threads, int batch, long djlParameters, long torchParameters, double maxAbsDifference,
                  double[] djlInference, double[] torchInference, double[] djlTraining, double[] torchTraining,
                  String torchVersion, Profile.Summary djlProfile) {
    }

    private TorchComparison() {
    }

    static Result run(ModelConfig config, List<Example> traffic, int batch, int threads, int runs, int batches,
                      int steps, Path dir) throws IOException, InterruptedException {
        Engine.getInstance().setRandomSeed(5);
        JniUtils.setNumThreads(threads);
        MaskNet net = MaskNet.build(config);
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager, DataType.FLOAT32, net.inputShapes(batch));
            List<PreparedExample> examples = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                Example e = traffic.get(i % traffic.size());
                examples.add(Batches.prepare(net, e.image(), e.instruction(), e.mask()));
            }
            NDList inputs = Batches.inputs(manager, net, examples);
            NDList labels = Batches.labels(manager, config.inputSize(), examples);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray logits = net.forward(store, inputs, false).head();
            long parameters = export(net, config, batch, inputs, labels, logits, dir);

            double[] djlInference = new double[runs];
            net.forward(store, inputs, false);
            Profile.Summary profile = Profile.of(() -> {
                for (int r = 0; r < runs; r++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < batches; i++) {
                        try (NDManager scope = manager.newSubManager()) {
                            inputs.tempAttach(scope); // the activations go with the scope, the inputs stay
                            net.forward(store, inputs, false);
                        }
                    }
                    djlInference[r] = (double) batch * batches / ((System.nanoTime() - start) / 1e9);
                }
            }, dir.resolve("djl-inference.jfr"));
            double[] djlTraining = train(net, inputs, labels, runs, steps);
            JsonNode torch = python(dir, threads, runs, batches, steps);
            return new Result(threads, batch, parameters, torch.get("parameters").asLong(),
                    torch.get("maxAbsDifference").asDouble(), djlInference, doubles(torch.get("inferenceImagesPerSecond")),
                    djlTraining, doubles(torch.get("trainingStepsPerSecond")), torch.get("torch").asText(), profile);
        }
    }

    /** Adam at a fixed rate with the BCE + Dice loss, as the script does; steps per second of each run. */
    private static double[] train(MaskNet net, NDList inputs, NDList labels, int runs, int steps) {
        MaskLoss loss = new MaskLoss(LossKind.BCE_DICE);
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(LEARNING_RATE)).build();
        try (Model model = Model.newInstance("bench-train")) {
            model.setBlock(net);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(adam))) {
                double[] out = new double[runs];
                step(trainer, loss, inputs, labels);
                for (int r = 0; r < runs; r++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < steps; i++) {
                        step(trainer, loss, inputs, labels);
                    }
                    out[r] = steps / ((System.nanoTime() - start) / 1e9);
                }
                return out;
            }
        }
    }

    private static void step(Trainer trainer, MaskLoss loss, NDList inputs, NDList labels) {
        try (NDManager scope = trainer.getManager().newSubManager()) {
            inputs.tempAttach(scope);
            labels.tempAttach(scope);
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray l = loss.evaluate(labels, trainer.forward(inputs));
                collector.backward(l);
            }
            trainer.step();
        }
    }

    /** Writes the parameters (DJL's order, names and shapes), the batch and DJL's logits; returns the count. */
    private static long export(MaskNet net, ModelConfig config, int batch, NDList inputs, NDList labels,
                               NDArray logits, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> manifest = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        long trainable = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            manifest.add(Map.of("name", p.getKey(), "shape", a.getShape().getShape()));
            values.add(a.toFloatArray());
            if (p.getValue().requiresGradient()) {
                trainable += a.size();
            }
        }
        Json.MAPPER.writeValue(dir.resolve("parameters.json").toFile(), manifest);
        writeFloats(dir.resolve("parameters.bin"), values);
        Map<String, Object> c = new LinkedHashMap<>(Json.MAPPER.convertValue(config, Map.class));
        c.put("batch", batch);
        Json.MAPPER.writeValue(dir.resolve("config.json").toFile(), c);
        writeFloats(dir.resolve("image.bin"), List.of(inputs.get(0).toFloatArray()));
        writeFloats(dir.resolve("ids.bin"), List.of(inputs.get(1).toFloatArray()));
        writeFloats(dir.resolve("mask.bin"), List.of(inputs.get(2).toFloatArray()));
        writeFloats(dir.resolve("labels.bin"), List.of(labels.head().toFloatArray()));
        writeFloats(dir.resolve("djl-logits.bin"), List.of(logits.toFloatArray()));
        return trainable;
    }

    private static void writeFloats(Path file, List<float[]> arrays) throws IOException {
        int n = arrays.stream().mapToInt(a -> a.length).sum();
        ByteBuffer buffer = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] a : arrays) {
            for (float v : a) {
                buffer.putFloat(v);
            }
        }
        Files.write(file, buffer.array());
    }

    private static JsonNode python(Path dir, int threads, int runs, int batches, int steps)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON)) || !Files.isRegularFile(SCRIPT)) {
            throw new IllegalStateException("the PyTorch comparison needs " + PYTHON + " with Debian's python3-torch"
                    + " (apt-get install -y python3-torch) and " + SCRIPT + " (run from the repository root)");
        }
        Process p = new ProcessBuilder(PYTHON, SCRIPT.toString(), "--dir", dir.toString(), "--threads",
                String.valueOf(threads), "--runs", String.valueOf(runs), "--batches", String.valueOf(batches),
                "--steps", String.valueOf(steps))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(SCRIPT + " failed (exit " + p.exitValue() + "): " + out);
        }
        String[] lines = out.strip().split("\n");
        try {
            return Json.MAPPER.readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw new UncheckedIOException(SCRIPT + " printed no JSON result: " + out, e);
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
