package org.maskstream.cli;

import org.maskstream.demo.DemoModel;
import org.maskstream.demo.EmbeddedKafka;
import org.maskstream.experiment.HostileInput;
import org.maskstream.experiment.Report;
import org.maskstream.experiment.Setup;
import org.maskstream.experiment.WorkDir;
import org.maskstream.util.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code experiment hostile}: the hostile-input suite through the job under the shipped TaskManager heap. */
@Command(name = "hostile", mixinStandardHelpOptions = true,
        description = {"Run the hostile-input suite through the real job: COUNT records from SEED (valid requests"
                + " interleaved with mutated ones: bit flips, truncations, length-field edits, header swaps; and"
                + " crafted ones: image headers declaring huge sizes in PNG/JPEG/GIF/BMP/TIFF, 16-bit, palette,"
                + " gray and CMYK images, truncated and EXIF-only JPEGs, extreme event times, megabyte ids, keys"
                + " and attributes, control characters and invalid UTF-8, masks of the wrong size or format,"
                + " records at the size limit) on an embedded broker; the job runs in a JVM with the heap Flink"
                + " gives a TaskManager of flink-conf/config.yaml. Checks that every valid request gets one result,"
                + " every hostile record one dead letter of its kind (or one result where it is valid), that the job"
                + " never restarted, and reports the heap's high-water mark. Writes hostile.md and hostile.json;"
                + " exits with 1 when a check fails.",
                "10,000 records take about 2 minutes on 2 cores (the job alone under a minute)."})
final class HostileCommand implements Callable<Integer> {
    @Option(names = "--count", defaultValue = "10000", description = "Records in all, half of them hostile"
            + " (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "13", description = "Seed of the records (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--model", paramLabel = "DIR", description = "The saved model the job serves (default: the"
            + " demo's small model, trained once for 40 steps into ~/.cache/maskstream/demo-model-weak).")
    Path model;

    @Option(names = "--flink-conf", defaultValue = "flink-conf", paramLabel = "DIR",
            description = "Folder of the config.yaml whose TaskManager memory the job's JVM gets (default:"
                    + " ${DEFAULT-VALUE}).")
    Path flinkConf;

    @Option(names = "--timeout", defaultValue = "30m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the job may run (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--out", defaultValue = "docs/results",
            description = "Folder for the results files (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        if (count < 2) {
            throw new UserError("--count must be at least 2 (one valid and one hostile record), got " + count);
        }
        if (!Files.isRegularFile(flinkConf.resolve("config.yaml"))) {
            throw new UserError("--flink-conf " + flinkConf + " has no config.yaml: run from the repository root or"
                    + " pass the folder of the cluster's config.yaml");
        }
        if (model != null && !Files.isDirectory(model)) {
            throw new UserError("--model " + model + " is not a folder: pass a model folder that 'train' wrote");
        }
        Path served = model != null ? model : DemoModel.ensureWeak(System.err);
        String command = "bin/maskstream experiment hostile --count " + count + " --seed " + seed
                + (model == null ? "" : " --model " + model)
                + (flinkConf.equals(Path.of("flink-conf")) ? "" : " --flink-conf " + flinkConf)
                + (out.equals(Path.of("docs/results")) ? "" : " --out " + out);
        try (WorkDir work = WorkDir.of(null, "maskstream-hostile");
             EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Setup setup = new Setup(out, HostileInput.NAME, work.path(), false, command, System.err);
            Report report = new Report(HostileInput.NAME, setup);
            HostileInput.Options options = new HostileInput.Options(count, seed, served, flinkConf, work.path(),
                    timeout);
            HostileInput.Outcome outcome = HostileInput.run(options, kafka, System.err);
            Report.write(out, HostileInput.NAME, report.json(Map.of("seed", seed, "outcome", outcome)),
                    HostileInput.markdown(report, options, outcome));
            System.out.printf(Locale.ROOT, "%s: %d records, %d problems, %d restarts; wrote %s.md and %s.json to %s%n",
                    outcome.passed() ? "passed" : "FAILED", outcome.records(), outcome.problemCount(),
                    outcome.job().restarts(), HostileInput.NAME, HostileInput.NAME, out.toAbsolutePath());
            return outcome.passed() ? 0 : 1;
        }
    }
}
