package org.maskstream.cli;

import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetException;
import org.maskstream.data.DatasetReader;
import org.maskstream.data.Example;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.MaskModel;
import org.maskstream.model.Overlay;
import org.maskstream.train.Evaluator;
import org.maskstream.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code maskstream eval}: scores a saved model on a labeled dataset. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Scores a saved model on a labeled dataset: per-example foreground IoU (threshold from the "
                + "model, both empty = 1), pixel IoU, mIoU (mean of foreground and background IoU) and Dice, with "
                + "predictions brought back to each image's original size.",
                "Prints the metrics; --json writes them (keys n, fg_iou, pixel_iou, miou, dice, ...)."})
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Saved model folder (written by 'train').")
    Path model;

    @Option(names = "--data", required = true, description = "Labeled dataset folder (with manifest.jsonl).")
    Path data;

    @Option(names = "--json", description = "Also write the metrics to this JSON file.")
    Path json;

    @Option(names = "--save-masks", description = "Folder to write each predicted mask (ID-mask.png) and an "
            + "overlay of it tinted over the image (ID-overlay.png).")
    Path saveMasks;

    @Option(names = "--by", split = ",", description = "Also report the metrics per value of these manifest fields"
            + " (e.g. reference,objects for 'generate' data); --json gets them under \"by\".")
    List<String> by = List.of();

    @Option(names = "--skip-bad", description = "Skip bad dataset lines with a warning instead of stopping.")
    boolean skipBad;

    @Option(names = "--threads", description = "PyTorch CPU threads (default: one per core).")
    Integer threads;

    @Override
    public Integer call() {
        ModelCommands.useThreads(threads);
        long start = System.nanoTime();
        IouCounts counts;
        String version;
        Dataset dataset;
        Groups groups = new Groups(data, by);
        try (MaskModel m = ModelCommands.loadModel(model)) {
            version = m.version();
            dataset = ModelCommands.readLabeled(data, skipBad);
            Evaluator.Listener writer = maskWriter();
            counts = Evaluator.evaluate(m, dataset.examples(), (example, predicted, one) -> {
                writer.predicted(example, predicted, one);
                groups.add(example, one);
            }, System.err);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> metrics = counts.asMap();
        metrics.put("model", model.toAbsolutePath().toString());
        metrics.put("model_version", version);
        metrics.put("data", data.toAbsolutePath().toString());
        metrics.put("skipped", dataset.skipped());
        metrics.put("seconds", seconds);
        System.out.printf(Locale.ROOT, "n %d  fg_iou %.4f  pixel_iou %.4f  miou %.4f  dice %.4f  (model %s, %.1f s)%n",
                counts.n(), counts.fgIou(), counts.pixelIou(), counts.miou(), counts.dice(), version, seconds);
        if (!by.isEmpty()) {
            metrics.put("by", groups.print(System.out));
        }
        if (json != null) {
            try {
                Path parent = json.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                Json.MAPPER.writeValue(json.toFile(), metrics);
            } catch (IOException e) {
                throw new UserError("cannot write " + json + ": " + e.getMessage(), e);
            }
        }
        return 0;
    }

    /** Counts per value of each {@code --by} field, merged as predictions arrive. */
    private static final class Groups {
        private final Map<String, Map<String, String>> valueById = new LinkedHashMap<>();
        private final Map<String, Map<String, IouCounts>> counts = new LinkedHashMap<>();

        Groups(Path data, List<String> fields) {
            for (String field : fields) {
                try {
                    valueById.put(field, DatasetReader.fieldValues(data, field));
                } catch (DatasetException e) {
                    throw new UserError(e.getMessage() + ": pass one of those to --by", e);
                }
                counts.put(field, new TreeMap<>());
            }
        }

        void add(Example example, IouCounts one) {
            valueById.forEach((field, values) -> counts.get(field)
                    .merge(values.getOrDefault(example.id(), "(none)"), one, IouCounts::merge));
        }

        /** Prints one line per field and value; returns field -> value -> metrics for the JSON. */
        Map<String, Object> print(PrintStream out) {
            Map<String, Object> json = new LinkedHashMap<>();
            counts.forEach((field, byValue) -> {
                Map<String, Object> values = new LinkedHashMap<>();
                byValue.forEach((value, c) -> {
                    out.printf(Locale.ROOT, "  %s=%-12s n %4d  fg_iou %.4f  pixel_iou %.4f  miou %.4f  dice %.4f%n",
                            field, value, c.n(), c.fgIou(), c.pixelIou(), c.miou(), c.dice());
                    values.put(value, c.asMap());
                });
                json.put(field, values);
            });
            return json;
        }
    }

    private Evaluator.Listener maskWriter() {
        if (saveMasks == null) {
            return (example, mask, counts) -> { };
        }
        try {
            Files.createDirectories(saveMasks);
        } catch (IOException e) {
            throw new UserError("cannot create " + saveMasks + ": " + e.getMessage(), e);
        }
        return (example, mask, counts) -> {
            String name = example.id().replaceAll("[^A-Za-z0-9._-]", "_");
            try {
                Files.write(saveMasks.resolve(name + "-mask.png"), Images.encodePng(mask.toImage()));
                Files.write(saveMasks.resolve(name + "-overlay.png"),
                        Images.encodePng(Overlay.tint(example.image(), mask)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the masks of " + example.id() + " to " + saveMasks, e);
            }
        };
    }
}
