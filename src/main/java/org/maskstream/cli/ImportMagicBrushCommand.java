package org.maskstream.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

// PLACEHOLDER: replaced by the work item that owns 'import-magicbrush'.
@Command(name = "import-magicbrush", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class ImportMagicBrushCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("'import-magicbrush' is not implemented yet");
    }
}
