package org.maskstream.cli;

import org.maskstream.data.DatasetException;
import org.maskstream.data.magicbrush.MagicBrushImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code maskstream import-magicbrush}: converts the public MagicBrush release into the dataset layout. */
@Command(name = "import-magicbrush", mixinStandardHelpOptions = true,
        description = {"Converts the public MagicBrush release into the dataset layout, one example per edit turn "
                + "(id IMGID-TURN), with the annotators' mask and the edited image as target.",
                "--from takes either the Hugging Face parquet shards (a folder searched for *.parquet, or one "
                        + "file; columns img_id, turn_index, source_img, mask_img, instruction, target_img) or the "
                        + "test release folder (edit_sessions.json + images/ID/ID-input.png, -maskN.png, "
                        + "-outputN.png).",
                "Turns with a missing or undecodable image are skipped and listed."})
public final class ImportMagicBrushCommand implements Callable<Integer> {
    private static final int WARNINGS_SHOWN = 10;

    @Option(names = "--from", required = true, description = "The MagicBrush parquet shard(s) or test release "
            + "folder.")
    Path from;

    @Option(names = "--out", required = true, description = "Folder to write the dataset to (created).")
    Path out;

    @Option(names = "--overwrite", description = "Replace a dataset already in --out.")
    boolean overwrite;

    @Override
    public Integer call() {
        MagicBrushImporter.Summary summary;
        try {
            summary = MagicBrushImporter.importFrom(from, out, overwrite, System.err);
        } catch (DatasetException e) {
            throw new UserError(e.getMessage(), e);
        }
        summary.warnings().stream().limit(WARNINGS_SHOWN).forEach(w -> System.err.println("warning: " + w));
        if (summary.skipped() > WARNINGS_SHOWN) {
            System.err.println("warning: ... and " + (summary.skipped() - WARNINGS_SHOWN) + " more skipped turns");
        }
        System.out.printf("imported %d turns (%s layout) to %s; %d skipped, %d masks resized to their image, "
                        + "%d empty masks%n", summary.written(), summary.layout(), out.toAbsolutePath(),
                summary.skipped(), summary.masksResized(), summary.masksEmpty());
        if (summary.masksEmpty() * 2 > summary.written()) {
            System.err.println("warning: most masks mark no pixel: the release's masks should be RGBA with the edit "
                    + "region transparent (or non-black without alpha); check a mask file of --from");
        }
        if (summary.written() == 0) {
            throw new UserError("no turn of " + from.toAbsolutePath() + " could be imported: see the warnings above");
        }
        return 0;
    }
}
