package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'retrain'.
@Command(name = "retrain", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class RetrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'retrain' is not implemented yet");
    }
}
