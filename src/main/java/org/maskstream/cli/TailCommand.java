package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'tail'.
@Command(name = "tail", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class TailCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'tail' is not implemented yet");
    }
}
