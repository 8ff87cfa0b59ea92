package org.maskstream.stream;

import picocli.CommandLine;

/**
 * Entry point for {@code flink run -c org.maskstream.stream.EditMaskJobMain <jar> [job options]}: the {@code job}
 * command and its parser, without {@code System.exit} (which would end the Flink client rather than report the
 * outcome).
 */
public final class EditMaskJobMain {
    private EditMaskJobMain() {
    }

    public static void main(String[] args) {
        int status = commandLine().execute(args);
        if (status != 0) {
            throw new IllegalStateException("the maskstream job did not start (exit status " + status + "), see above");
        }
    }

    /** The {@code job} command as {@code bin/maskstream job} shows it. */
    static CommandLine commandLine() {
        return new CommandLine(new JobCommand()).setCommandName("maskstream job");
    }
}
