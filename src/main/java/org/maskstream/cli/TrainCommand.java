package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'train'.
@Command(name = "train", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'train' is not implemented yet");
    }
}
