package org.maskstream.cli;

import org.maskstream.pretrained.MissingPretrainedFileException;
import org.maskstream.pretrained.PretrainedFiles;
import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetException;
import org.maskstream.data.DatasetReader;
import org.maskstream.model.FrozenTextEncoder;
import org.maskstream.model.ModelConfig;
import org.maskstream.experiment.Budget;
import org.maskstream.experiment.RealSampleExperiment;
import org.maskstream.experiment.RobustnessExperiment;
import org.maskstream.experiment.Setup;
import org.maskstream.experiment.Machine;
import org.maskstream.experiment.ParaphraseExperiment;
import org.maskstream.experiment.StudyTable;
import org.maskstream.experiment.WorkDir;
import org.maskstream.grounding.CocoDetector;
import org.maskstream.model.MobileNet;
import org.maskstream.util.DurationConverter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** The experiments whose results live in {@code docs/results/}: each writes its Markdown and JSON (and plots) there. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run an experiment and write its results (Markdown + JSON, plots) into docs/results/.",
        subcommands = {ExperimentCommand.StudyTableCommand.class, ExperimentCommand.ParaphraseCommand.class,
                ExperimentCommand.RealSampleCommand.class, ExperimentCommand.RobustnessCommand.class,
                BenchCommand.class, HostileCommand.class})
public final class ExperimentCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "study-table", mixinStandardHelpOptions = true,
            description = {"Reproduce the study's comparison table on the synthetic benchmark: train every row's"
                    + " variant (concat, outer, xattn-pooled with bce / x2 epochs / bce+iou / bce+dice, concat and"
                    + " outer with bce+dice for a like-for-like loss, spatial xattn with upconv and unet,"
                    + " bce+boundary) with the same data, seed and budget, score them on a"
                    + " held-out test set, and write study-table.md, study-table.json and study-table-curves.png.",
                    "The full run is sized for 60 minutes on 2 cores; --quick is a smoke run of a few minutes that"
                            + " writes study-table-quick.* instead."})
    static final class StudyTableCommand implements Runnable {
        @Mixin
        RunOptions options;

        @Option(names = "--rows", split = ",", description = "Run only these rows (comma-separated names such as"
                + " xattn-upconv,concat); the table then holds only them. Default: all.")
        List<String> rows;

        @Option(names = "--replot", paramLabel = "JSON", description = "Train nothing: draw the curves PNG of a "
                + "finished run again from its JSON (e.g. docs/results/study-table.json -> study-table-curves.png "
                + "beside it), after a change to the plotting.")
        Path replot;

        @Override
        public void run() {
            if (replot != null) {
                try {
                    System.out.println("wrote " + StudyTable.replot(replot));
                } catch (IOException | IllegalArgumentException e) {
                    throw new UserError("cannot replot " + replot + ": " + e.getMessage(), e);
                }
                return;
            }
            Budget budget = options.budget(StudyTable.fullBudget(), StudyTable.quickBudget());
            String base = options.baseName(StudyTable.NAME);
            List<StudyTable.Variant> variants;
            try {
                variants = rows == null ? StudyTable.VARIANTS : StudyTable.select(rows);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), e);
            }
            String command = options.commandLine("study-table") + (rows == null ? "" : " --rows "
                    + String.join(",", rows));
            options.run(setup -> StudyTable.run(budget, variants, setup), base, command,
                    base + ".md, " + base + ".json and " + base + "-curves.png");
        }
    }

    @Command(name = "paraphrase", mixinStandardHelpOptions = true,
            description = {"Train the default model with the minilm and with the scratch text encoder on normally"
                    + " phrased synthetic scenes, score both on held-out scenes phrased normally and with words"
                    + " absent from training (generate --phrasing paraphrase), and write paraphrase.md and"
                    + " paraphrase.json.",
                    "--quick is a smoke run that writes paraphrase-quick.* instead."})
    static final class ParaphraseCommand implements Runnable {
        @Mixin
        RunOptions options;

        @Override
        public void run() {
            Budget budget = options.budget(ParaphraseExperiment.fullBudget(), ParaphraseExperiment.quickBudget());
            String base = options.baseName(ParaphraseExperiment.NAME);
            String command = options.commandLine("paraphrase");
            options.run(setup -> ParaphraseExperiment.run(budget, setup), base, command,
                    base + ".md and " + base + ".json");
        }
    }

    @Command(name = "real-sample", mixinStandardHelpOptions = true,
            description = {"Score on real photos: the trivial baselines, our models trained on synthetic scenes"
                    + " (scratch encoders, minilm text, mobilenet image + minilm text), and the mobilenet + minilm"
                    + " model fine-tuned on two thirds of the photos; every row on the held-out third. Also the"
                    + " detector prior (COCO detector boxes of the classes the instruction names) on every photo,"
                    + " with a breakdown by named class and edit kind. Writes"
                    + " real-sample.md and real-sample.json.",
                    "--quick is a smoke run that writes real-sample-quick.* instead."})
    static final class RealSampleCommand implements Runnable {
        @Option(names = "--data", required = true,
                description = "The real dataset folder, e.g. ../shared/data/magicbrush-sample.")
        Path data;

        @Option(names = "--mobilenet", description = "The MobileNetV2 ONNX file for the image encoder (default: the"
                + " pretrained file from the cache or ../shared/models, see 'models').")
        Path mobileNet;

        @Option(names = "--detector", description = "The COCO detector's folder, for the detector prior and the"
                + " grounded network (default: the pretrained detector from the cache or ../shared/models, see"
                + " 'models').")
        Path detector;

        @Mixin
        RunOptions options;

        @Override
        public void run() {
            Dataset real;
            try {
                real = DatasetReader.read(data, false);
            } catch (DatasetException e) {
                throw new UserError(e.getMessage(), e);
            }
            String given = (mobileNet == null ? "" : " --mobilenet " + mobileNet)
                    + (detector == null ? "" : " --detector " + detector);
            Path mobileNet = this.mobileNet;
            Path detector = this.detector;
            try {
                if (mobileNet == null) {
                    mobileNet = PretrainedFiles.resolve(PretrainedFiles.MOBILENET_FEATURES);
                }
                if (detector == null) {
                    detector = PretrainedFiles.resolve(PretrainedFiles.SSD_DETECTOR).getParent();
                }
            } catch (MissingPretrainedFileException e) {
                throw new UserError(e.getMessage(), e);
            }
            if (!Files.isRegularFile(mobileNet)) {
                throw new UserError("--mobilenet " + mobileNet + " does not exist: pass the path of "
                        + MobileNet.SOURCE);
            }
            if (!Files.isRegularFile(detector.resolve(CocoDetector.FILE))) {
                throw new UserError("--detector " + detector + " has no " + CocoDetector.FILE + ": pass the folder "
                        + CocoDetector.SOURCE);
            }
            Budget budget = options.budget(RealSampleExperiment.fullBudget(), RealSampleExperiment.quickBudget());
            String base = options.baseName(RealSampleExperiment.NAME);
            String command = options.commandLine("real-sample") + " --data " + data + given;
            Path image = mobileNet;
            Path objects = detector;
            options.run(setup -> RealSampleExperiment.run(budget, real, image, objects, setup), base, command,
                    base + ".md and " + base + ".json");
        }
    }

    @Command(name = "robustness", mixinStandardHelpOptions = true,
            description = {"Train the default model with --seeds training seeds on synthetic scenes, each within"
                    + " --budget of training time, then score every model on the clean held-out test scenes and on"
                    + " each perturbation of them alone (textured background, noise, blur, JPEG, rotation, 128 px"
                    + " and 32 px input, paraphrased instructions, another scene's instruction), and write"
                    + " robustness.md and robustness.json: per perturbation the mean fg IoU over the seeds, its"
                    + " range and its drop from clean.",
                    "The full run trains 3 models of 15 minutes (about 50 minutes on 2 idle cores; twice that with"
                            + " --before); --quick is a smoke run of about a minute that writes robustness-quick.*"
                            + " instead."})
    static final class RobustnessCommand implements Runnable {
        @Mixin
        RunOptions options;

        @Option(names = "--seeds", description = "Training seeds, from --seed on (default: "
                + RobustnessExperiment.SEEDS + ").")
        Integer seeds;

        @Option(names = "--budget", paramLabel = "DURATION", description = "Training time of each model, timed"
                + " alone, e.g. 15m or 90s (default: 15m, 1m with --quick).")
        String budget;

        @Option(names = "--before", description = "Also train each seed with the defaults from before issue 18 (no"
                + " augmentation, rephrasing or curriculum; the scratch text encoder) and report both, side by side.")
        boolean before;

        @Option(names = "--text-encoder", paramLabel = "ID", description = "Train the defaults with this text"
                + " encoder instead (scratch, minilm, e5-small), to compare encoders on the same perturbations.")
        String textEncoder;

        @Override
        public void run() {
            if (seeds != null && seeds < 1) {
                throw new UserError("--seeds must be at least 1, got " + seeds);
            }
            if (textEncoder != null && !ModelConfig.SCRATCH.equals(textEncoder)
                    && !FrozenTextEncoder.IDS.contains(textEncoder)) {
                throw new UserError("--text-encoder: unknown encoder '" + textEncoder + "'; use scratch or one of "
                        + String.join(", ", FrozenTextEncoder.IDS));
            }
            Duration perModel = options.quick ? RobustnessExperiment.QUICK_TIME : RobustnessExperiment.FULL_TIME;
            if (budget != null) {
                try {
                    perModel = new DurationConverter().convert(budget);
                } catch (CommandLine.TypeConversionException e) {
                    throw new UserError("--budget: " + e.getMessage(), e);
                }
                if (perModel.isZero() || perModel.isNegative()) {
                    throw new UserError("--budget must be a positive duration such as 15m, got " + budget);
                }
            }
            Budget b = options.budget(RobustnessExperiment.fullBudget(), RobustnessExperiment.quickBudget());
            int n = seeds != null ? seeds : RobustnessExperiment.SEEDS;
            String base = options.baseName(RobustnessExperiment.NAME);
            String command = options.commandLine(RobustnessExperiment.NAME) + (seeds == null ? "" : " --seeds " + n)
                    + (budget == null ? "" : " --budget " + budget) + (before ? " --before" : "")
                    + (textEncoder == null ? "" : " --text-encoder " + textEncoder);
            RobustnessExperiment.Arm defaults = textEncoder == null ? RobustnessExperiment.DEFAULTS
                    : RobustnessExperiment.DEFAULTS.withTextEncoder(textEncoder);
            List<RobustnessExperiment.Arm> arms = before
                    ? List.of(defaults, RobustnessExperiment.BEFORE)
                    : List.of(defaults);
            Duration time = perModel;
            options.run(setup -> RobustnessExperiment.run(b, time, n, arms, setup), base, command,
                    base + ".md and " + base + ".json");
        }
    }

    /** Budget and output options every experiment takes. */
    static final class RunOptions {
        @Option(names = "--quick", description = "Tiny budget (32 px, ~100 scenes, 1 epoch) that checks the"
                + " pipeline; its numbers mean nothing. Writes NAME-quick.* so it never replaces the full results.")
        boolean quick;

        @Option(names = "--train", description = "Override the number of training scenes.")
        Integer train;

        @Option(names = "--epochs", description = "Override the epochs per model.")
        Integer epochs;

        @Option(names = "--seed", description = "Override the seed of data and training (default: 1).")
        Long seed;

        @Option(names = "--lr", description = "Override Adam's peak learning rate.")
        Float lr;

        @Option(names = "--reuse", description = "With --keep-models: score the models a previous run left there"
                + " instead of training them again: every run that ended, by its epochs or by the time limit (its finished.json"
                + " gives the time and the stop, its metrics.jsonl the curves); a run killed midway is trained again.")
        boolean reuse;

        @Option(names = "--threads", description = "PyTorch CPU threads (default: one per core; on a busy shared"
                + " machine 1 is much faster).")
        Integer threads;

        @Option(names = "--out", defaultValue = "docs/results",
                description = "Folder for the results files (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--keep-models",
                description = "Keep the trained models in this folder (default: a temporary folder, deleted at the"
                        + " end).")
        Path keepModels;

        /** The budget these options ask for; also applies {@code --threads}, before anything starts DJL. */
        Budget budget(Budget full, Budget quickBudget) {
            ModelCommands.useThreads(threads);
            if ((train != null && train < 1) || (epochs != null && epochs < 1)) {
                throw new UserError("--train and --epochs must be at least 1");
            }
            Budget b = quick ? quickBudget : full;
            if (lr != null && !(lr > 0)) {
                throw new UserError("--lr must be positive");
            }
            return b.withTrain(train != null ? train : b.train()).withEpochs(epochs != null ? epochs : b.epochs())
                    .withSeed(seed != null ? seed : b.seed()).withLr(lr != null ? lr : b.lr());
        }

        /** Runs {@code experiment} with a folder for its models, then says what it wrote. */
        void run(Consumer<Setup> experiment, String baseName, String command, String written) {
            if (reuse && keepModels == null) {
                throw new UserError("--reuse needs --keep-models: the folder whose trained models to score again");
            }
            try (WorkDir work = WorkDir.of(keepModels, "maskstream-experiment")) {
                experiment.accept(new Setup(out, baseName, work.path(), reuse, command, System.err));
            }
            System.out.printf(Locale.ROOT, "wrote %s to %s%n", written, out.toAbsolutePath());
        }

        String baseName(String experiment) {
            return experiment + (quick ? "-quick" : "");
        }

        /** The command that reproduces this run, for the results files. */
        String commandLine(String experiment) {
            StringBuilder sb = new StringBuilder("bin/maskstream experiment ").append(experiment);
            if (quick) {
                sb.append(" --quick");
            }
            if (keepModels != null) {
                sb.append(" --keep-models ").append(keepModels);
            }
            if (reuse) {
                sb.append(" --reuse");
            }
            if (train != null) {
                sb.append(" --train ").append(train);
            }
            if (epochs != null) {
                sb.append(" --epochs ").append(epochs);
            }
            if (seed != null) {
                sb.append(" --seed ").append(seed);
            }
            if (lr != null) {
                sb.append(" --lr ").append(lr);
            }
            // Set by --threads or by the JVM options: results do not depend on it, run times do.
            String pytorchThreads = System.getProperty(Machine.PYTORCH_THREADS);
            if (pytorchThreads != null) {
                sb.append(" --threads ").append(pytorchThreads);
            }
            return sb.toString();
        }
    }
}
