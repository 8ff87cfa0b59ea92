package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'demo'.
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'demo' is not implemented yet");
    }
}
