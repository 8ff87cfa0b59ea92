package org.maskstream.cli;

import org.maskstream.stream.JobCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The launcher behind {@code bin/maskstream}: one subcommand per user task. Each subcommand lives in its own class
 * beside this one and prints its own {@code --help}.
 */
@Command(name = "maskstream",
        mixinStandardHelpOptions = true,
        version = "maskstream 0.1.0",
        description = "Real-time edit-mask prediction: image + instruction -> region to edit.",
        subcommands = {
                GenerateCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                PredictCommand.class,
                BaselinesCommand.class,
                ImportMagicBrushCommand.class,
                ExperimentCommand.class,
                DemoCommand.class,
                JobCommand.class,
                ProduceCommand.class,
                TailCommand.class,
                RetrainCommand.class,
                ModelsCommand.class,
                ViewCommand.class,
                SqlCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured parser, shared by {@link #main} and tests that check documented arguments. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // A user error is a sentence, not a stack trace.
            if (ex instanceof UserError) {
                commandLine.getErr().println("error: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
