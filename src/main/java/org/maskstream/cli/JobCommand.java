package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'job'.
@Command(name = "job", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class JobCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'job' is not implemented yet");
    }
}
