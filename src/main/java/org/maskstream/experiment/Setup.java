package org.maskstream.experiment;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Where an experiment writes and how it was started.
 *
 * @param outDir   folder of the results files
 * @param baseName the results files' name without extension
 * @param workDir  where the trained models go, one folder per model
 * @param reuse    take a model already finished in {@code workDir} instead of training it again
 * @param command  the command line recorded in the results
 * @param log      progress messages
 */
public record Setup(Path outDir, String baseName, Path workDir, boolean reuse, String command, PrintStream log) {
}
