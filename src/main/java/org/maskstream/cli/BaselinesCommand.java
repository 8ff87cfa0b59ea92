package org.maskstream.cli;

import org.maskstream.data.Baselines;
import org.maskstream.data.DatasetException;
import org.maskstream.data.DatasetReader;
import org.maskstream.data.Example;
import org.maskstream.metrics.IouCounts;
import org.maskstream.util.Json;
import org.maskstream.util.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** {@code maskstream baselines}: scores the trivial predictors a model must beat. */
@Command(name = "baselines", mixinStandardHelpOptions = true,
        description = {"Scores trivial mask predictors on a dataset with the same metrics as 'eval': empty mask, "
                + "full mask, a centred box of the mean mask area, and the mean mask (per-pixel mean of the masks "
                + "at 64x64, thresholded at 0.5, resized to each image).",
                "The box and the mean mask come from --train when given; otherwise from --data itself, which makes "
                        + "them in-sample (optimistic) numbers."})
public final class BaselinesCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "The dataset to score (its labeled examples).")
    Path data;

    @Option(names = "--train", description = "Training dataset the box area and the mean mask are taken from "
            + "(default: --data itself).")
    Path train;

    @Option(names = "--json", description = "Also write the results as JSON to this file.")
    Path json;

    @Option(names = "--skip-bad", description = "Skip bad manifest lines with a warning instead of stopping.")
    boolean skipBad;

    @Override
    public Integer call() throws IOException {
        Path referenceSet = train != null ? train : data;
        Baselines.Reference reference = new Baselines.Reference();
        read(referenceSet, "reference", reference.adder());
        if (reference.count() == 0) {
            throw new UserError(referenceSet.toAbsolutePath() + " has no labeled example (no mask): the box and "
                    + "mean-mask baselines need masks");
        }
        Baselines baselines = new Baselines(reference);
        int[] labeled = {0};
        read(data, "score", e -> {
            baselines.score(e);
            labeled[0] += e.labeled() ? 1 : 0;
        });
        if (labeled[0] == 0) {
            throw new UserError(data.toAbsolutePath() + " has no labeled example (no mask) to score");
        }
        String source = train != null ? "train set " + train : "scored data itself (in-sample)";
        Map<String, IouCounts> results = baselines.results();
        System.out.printf(Locale.ROOT, "baselines on %s: %d labeled examples; box area %.4f and mean mask from the %s "
                + "(%d masks)%n", data, labeled[0], reference.meanArea(), source, reference.count());
        System.out.printf(Locale.ROOT, "%-12s %8s %9s %8s %8s%n", "baseline", "fg IoU", "pixel IoU", "mIoU", "Dice");
        results.forEach((name, c) -> System.out.printf(Locale.ROOT, "%-12s %8.4f %9.4f %8.4f %8.4f%n", name,
                c.fgIou(), c.pixelIou(), c.miou(), c.dice()));
        if (json != null) {
            writeJson(results, reference, labeled[0]);
        }
        return 0;
    }

    private void read(Path dir, String label, Consumer<Example> action) {
        try (ProgressBar bar = new ProgressBar(System.err, label, DatasetReader.lineCount(dir))) {
            DatasetReader.Report report = DatasetReader.forEach(dir, skipBad, e -> {
                action.accept(e);
                bar.step(1);
            });
            report.warnings().forEach(w -> System.err.println("warning: " + w));
        } catch (DatasetException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private void writeJson(Map<String, IouCounts> results, Baselines.Reference reference, int n) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", data.toString());
        out.put("train", train == null ? null : train.toString());
        out.put("reference", train != null ? "train" : "data");
        out.put("reference_n", reference.count());
        out.put("mean_area", reference.meanArea());
        out.put("grid", Baselines.GRID);
        out.put("n", n);
        Map<String, Object> scores = new LinkedHashMap<>();
        results.forEach((name, c) -> scores.put(name, c.asMap()));
        out.put("baselines", scores);
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Json.MAPPER.writeValue(json.toFile(), out);
        System.out.println("wrote " + json);
    }

}
