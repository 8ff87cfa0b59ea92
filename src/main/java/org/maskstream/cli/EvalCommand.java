package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'eval'.
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class EvalCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'eval' is not implemented yet");
    }
}
