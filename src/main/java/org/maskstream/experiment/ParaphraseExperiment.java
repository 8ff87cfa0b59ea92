package org.maskstream.experiment;

import org.maskstream.data.Example;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.FrozenTextEncoder;
import org.maskstream.model.ModelConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Do the models understand words they never saw? Trains the same network with the {@code minilm} and the
 * {@code scratch} text encoder on normally phrased synthetic scenes, then scores both on the held-out test scenes
 * phrased normally and phrased with {@link Phrasing#PARAPHRASE} (whose content words never occur in training).
 * Writes {@code paraphrase.md} and {@code paraphrase.json}.
 */
public final class ParaphraseExperiment {
    public static final String NAME = "paraphrase";
    /** The bar: the minilm model's fg IoU on paraphrases within this of its fg IoU on normal phrasing. */
    public static final double MAX_DROP = 0.10;

    private ParaphraseExperiment() {
    }

    /** Two models of the study table's size. */
    public static Budget fullBudget() {
        return new Budget(64, 1000, 100, 300, 5, 32, 32, 1, 2e-3f);
    }

    public static Budget quickBudget() {
        return new Budget(32, 96, 32, 64, 1, 16, 16, 1, 1e-3f);
    }

    /**
     * One text encoder's scores.
     *
     * @param normal     test scenes phrased as in training
     * @param paraphrase the same scenes phrased with unseen words
     * @param shuffled   the same scenes, each with the next scene's (normal) instruction: how much the model's
     *                   masks depend on the instruction at all
     */
    public record Result(String textEncoder, IouCounts normal, IouCounts paraphrase, IouCounts shuffled,
                         double trainSeconds, String divergence) {
        public double drop() {
            return normal.fgIou() - paraphrase.fgIou();
        }
    }

    /** Runs both text encoders and writes the results; returns them minilm first. */
    public static List<Result> run(Budget budget, Setup setup) {
        Report report = new Report(NAME, setup);
        PrintStream log = setup.log();
        SyntheticSplits data = budget.data();
        List<Example> paraphrased = SyntheticSplits.scenes(budget.size(), Phrasing.PARAPHRASE,
                SyntheticSplits.testSeed(budget.seed()), budget.test());
        List<Example> shuffled = withNextInstruction(data.test());
        List<Result> results = new ArrayList<>();
        for (String encoder : List.of(FrozenTextEncoder.MINILM_ID, ModelConfig.SCRATCH)) {
            log.printf(Locale.ROOT, "%s: training with the %s text encoder (%s)%n", NAME, encoder, budget.describe());
            Path dir = setup.workDir().resolve("text-" + encoder);
            ModelRuns.Training training = ModelRuns.train(data.train(), data.val(),
                    budget.trainOptions().model(m -> m.textEncoder(encoder)).build(), dir, log, setup.reuse());
            IouCounts normal = training.hasModel() ? ModelRuns.evaluate(dir, data.test()) : IouCounts.EMPTY;
            IouCounts para = training.hasModel() ? ModelRuns.evaluate(dir, paraphrased) : IouCounts.EMPTY;
            IouCounts wrong = training.hasModel() ? ModelRuns.evaluate(dir, shuffled) : IouCounts.EMPTY;
            Result r = new Result(encoder, normal, para, wrong, ModelRuns.epochSeconds(training.result().history()), training.divergence());
            log.printf(Locale.ROOT, "%s: %s: fg IoU %.3f normal, %.3f paraphrased%n", NAME, encoder,
                    normal.fgIou(), para.fgIou());
            results.add(r);
        }
        Set<String> shared = sharedContentWords(data.train(), paraphrased);
        write(setup.outDir(), setup.baseName(), budget, data, paraphrased, results, shared, report);
        return results;
    }

    /** Each example with the next one's instruction (the last with the first's). */
    static List<Example> withNextInstruction(List<Example> examples) {
        List<Example> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            out.add(new Example(e.id(), e.image(), examples.get((i + 1) % examples.size()).instruction(), e.mask()));
        }
        return out;
    }

    /** Content words of the paraphrased instructions that also occur in the training instructions. */
    static Set<String> sharedContentWords(List<Example> train, List<Example> paraphrased) {
        Set<String> seen = new LinkedHashSet<>();
        train.forEach(e -> seen.addAll(Phrasing.tokens(e.instruction())));
        Set<String> shared = new LinkedHashSet<>();
        for (Example e : paraphrased) {
            for (String w : Phrasing.tokens(e.instruction())) {
                if (seen.contains(w) && !Phrasing.FUNCTION_WORDS.contains(w)) {
                    shared.add(w);
                }
            }
        }
        return shared;
    }

    private static void write(Path outDir, String baseName, Budget budget, SyntheticSplits data,
                              List<Example> paraphrased, List<Result> results, Set<String> shared, Report report) {
        Result minilm = results.get(0);
        boolean meetsBar = minilm.divergence() == null && Math.abs(minilm.drop()) <= MAX_DROP;
        Map<String, Object> json = report.json(Map.of("data", data.describe(), "budget", budget));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("text_encoder", r.textEncoder());
            m.put("normal", r.normal().asMap());
            m.put("paraphrase", r.paraphrase().asMap());
            m.put("shuffled_instructions", r.shuffled().asMap());
            m.put("fg_iou_drop", r.drop());
            m.put("train_seconds", r.trainSeconds());
            m.put("diverged", r.divergence());
            rows.add(m);
        }
        json.put("rows", rows);
        json.put("paraphrase_content_words_seen_in_training", List.copyOf(shared));
        json.put("minilm_within_" + MAX_DROP, meetsBar);

        StringBuilder md = new StringBuilder();
        md.append(report.markdownHeader("Unseen words: MiniLM against the scratch text encoder on paraphrased"
                + " instructions"));
        md.append("- **Budget:** ").append(budget.describe()).append(". Both models are the `train` defaults"
                + " (xattn fusion, unet decoder, bce+dice, scratch image encoder) and differ only in the text"
                + " encoder.\n");
        md.append(String.format(Locale.ROOT, "- **Test sets:** the same %d held-out scenes (seed %d), phrased"
                        + " normally and with `--phrasing paraphrase` (e.g. \"%s\" / \"%s\"). Content words of the"
                        + " paraphrases that occur in the training instructions: %s.%n%n", data.test().size(),
                SyntheticSplits.testSeed(budget.seed()), data.test().get(0).instruction(),
                paraphrased.get(0).instruction(), shared.isEmpty() ? "none" : String.join(", ", shared)));
        Markdown table = new Markdown("text encoder", "fg IoU, normal", "fg IoU, paraphrased", "drop",
                "fg IoU, another scene's instruction", "mIoU, normal", "mIoU, paraphrased", "train time");
        for (Result r : results) {
            table.row(r.textEncoder(), r.normal().fgIou(), r.paraphrase().fgIou(), r.drop(), r.shuffled().fgIou(),
                    r.normal().miou(), r.paraphrase().miou(), String.format(Locale.ROOT, "%.0f s", r.trainSeconds()));
        }
        md.append(table).append('\n');
        for (Result r : results) {
            if (r.divergence() != null) {
                md.append("The ").append(r.textEncoder()).append(" run stopped early: ").append(r.divergence())
                        .append("\n\n");
            }
        }
        md.append(String.format(Locale.ROOT, "**The minilm model's fg IoU on paraphrases is %s its fg IoU on"
                        + " normal phrasing (drop %s; the bar is %.2f).** The scratch encoder maps every unseen word"
                        + " to its unknown token, so it keeps only what the function words and the image tell it"
                        + " (drop %s).%n", meetsBar ? "within " + MAX_DROP + " of" : "NOT within " + MAX_DROP + " of",
                Markdown.number(minilm.drop()), MAX_DROP, Markdown.number(results.get(1).drop())));
        double reliance = minilm.normal().fgIou() - minilm.shuffled().fgIou();
        md.append(String.format(Locale.ROOT, "%nGiven another scene's instruction, the minilm model's fg IoU falls"
                        + " by %s (to %s): %s%n", Markdown.number(reliance), Markdown.number(minilm.shuffled().fgIou()),
                minilm.shuffled().fgIou() < 0.5 * minilm.normal().fgIou() ? "it reads the instruction, so keeping its score on paraphrases means it"
                        + " understood the unseen words."
                        : "at this budget the model leans mostly on the image (it finds an object but often not the"
                        + " named one), so the small drop on paraphrases says less about understanding than it"
                        + " seems; `PretrainedEncodersTest` isolates the words (a task solvable only from the colour"
                        + " word, trained on red/blue and tested on crimson/azure)."));
        md.append(report.markdownFooter(baseName));
        Report.write(outDir, baseName, json, md.toString());
    }
}
