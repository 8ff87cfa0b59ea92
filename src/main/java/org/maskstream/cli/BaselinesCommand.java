package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'baselines'.
@Command(name = "baselines", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class BaselinesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'baselines' is not implemented yet");
    }
}
