package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'experiment'.
@Command(name = "experiment", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class ExperimentCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'experiment' is not implemented yet");
    }
}
