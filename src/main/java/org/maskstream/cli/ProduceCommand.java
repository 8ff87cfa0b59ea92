package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'produce'.
@Command(name = "produce", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class ProduceCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'produce' is not implemented yet");
    }
}
