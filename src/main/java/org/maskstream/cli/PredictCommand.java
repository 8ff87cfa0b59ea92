package org.maskstream.cli;

import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.model.MaskModel;
import org.maskstream.model.Overlay;
import org.maskstream.model.ProbabilityMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code maskstream predict}: one image + one instruction -> the mask of the region to edit. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predicts the region to edit for one image and instruction, and writes it as a PNG mask at the "
                + "image's original size (white = edit).")
public final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Saved model folder (written by 'train').")
    Path model;

    @Option(names = "--image", required = true, description = "Image file (PNG, JPEG...).")
    Path image;

    @Option(names = "--instruction", required = true, description = "The edit instruction, e.g. \"remove the red "
            + "star\".")
    String instruction;

    @Option(names = "--out", required = true, description = "PNG file to write the mask to.")
    Path out;

    @Option(names = "--overlay", description = "Also write the image with the mask tinted over it to this PNG.")
    Path overlay;

    @Option(names = "--threads", description = "PyTorch CPU threads (default: one per core).")
    Integer threads;

    @Override
    public Integer call() {
        ModelCommands.useThreads(threads);
        BufferedImage picture = readImage(image);
        Mask mask;
        String version;
        try (MaskModel m = ModelCommands.loadModel(model)) {
            version = m.version();
            float[] probabilities = m.predict(List.of(picture), List.of(instruction)).get(0);
            mask = ProbabilityMap.toMask(probabilities, m.inputSize(), m.threshold(), picture.getWidth(),
                    picture.getHeight());
        }
        write(out, mask.toImage());
        if (overlay != null) {
            write(overlay, Overlay.tint(picture, mask));
        }
        System.out.printf(Locale.ROOT, "wrote %s (%dx%d, %.1f%% of the image to edit, model %s)%n", out,
                mask.width(), mask.height(), 100.0 * mask.area() / (mask.width() * mask.height()), version);
        return 0;
    }

    private static BufferedImage readImage(Path file) {
        try {
            return Images.decode(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new UserError("image " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UserError("cannot read image " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError("image " + file + " is " + e.getMessage() + ": give a PNG or JPEG file", e);
        }
    }

    private static void write(Path file, BufferedImage picture) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.write(file, Images.encodePng(picture));
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
