package org.maskstream.cli;

import org.maskstream.pretrained.MissingPretrainedFileException;
import org.maskstream.pretrained.PretrainedFile;
import org.maskstream.pretrained.PretrainedFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Lists the pretrained files maskstream can use (the MobileNetV2 image encoder, the COCO"
                + " detector, their labels) and where each is found; with --fetch, puts each into the cache:"
                + " downloaded from its public origin and checked against its pinned SHA-256, or, without network,"
                + " copied from a local folder (--from).",
                "The text encoders all-MiniLM-L6-v2 and e5-small-v2 are not listed: they ship in Maven jars on the"
                        + " class path."})
public final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "NAME", description = "Only these files (default: all).")
    List<String> names = new ArrayList<>();

    @Option(names = "--fetch", description = "Put every file that is not in the cache yet into it.")
    boolean fetch;

    @Option(names = "--offline", description = "With --fetch: do not try to download, only copy from --from.")
    boolean offline;

    @Option(names = "--from", paramLabel = "DIR",
            description = "Local folder laid out as FOLDER/NAME to find files in when there is no network"
                    + " (default: ../shared/models).")
    Path from = PretrainedFiles.DEFAULT_LOCAL;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "The cache (default: $" + PretrainedFiles.CACHE_ENV + ", else ~/.cache/maskstream/models).")
    Path cache;

    @Override
    public Integer call() {
        List<PretrainedFile> chosen = new ArrayList<>();
        try {
            (names.isEmpty() ? PretrainedFiles.ALL : names.stream().map(PretrainedFiles::byName).toList())
                    .forEach(chosen::add);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        PretrainedFiles files = new PretrainedFiles(cache != null ? cache : PretrainedFiles.defaultCache(),
                List.of(from), Duration.ofSeconds(20));
        int missing = 0;
        for (PretrainedFile f : chosen) {
            System.out.println(f.relativePath() + "  " + f.what());
            System.out.println("  origin " + f.origin() + (f.addOutputs().isEmpty() ? ""
                    : " (+ " + f.addOutputs().size() + " graph outputs)") + ", sha256 " + f.sha256());
            try {
                Path at = fetch ? files.fetch(f, !offline, line -> System.out.println("  " + line)) : files.find(f);
                if (!fetch) {
                    System.out.println("  found: " + at);
                }
            } catch (MissingPretrainedFileException e) {
                missing++;
                System.out.println("  MISSING: " + e.getMessage());
            }
        }
        if (missing > 0) {
            spec.commandLine().getErr().println(missing + " of " + chosen.size() + " pretrained files missing" + (fetch ? ""
                    : ": run 'bin/maskstream models --fetch'"));
            return 1;
        }
        return 0;
    }
}
