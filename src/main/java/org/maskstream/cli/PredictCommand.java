package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'predict'.
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class PredictCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'predict' is not implemented yet");
    }
}
