package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'generate'.
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class GenerateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'generate' is not implemented yet");
    }
}
