package org.maskstream.stream;

import org.maskstream.cli.Main;

import java.util.ArrayList;
import java.util.List;

/**
 * Entry point for {@code flink run -c org.maskstream.stream.EditMaskJobMain target/maskstream-job.jar [job options]}:
 * the {@code job} command's arguments and parser, without {@code System.exit} (which would end the Flink client
 * rather than report the outcome).
 */
public final class EditMaskJobMain {
    private EditMaskJobMain() {
    }

    public static void main(String[] args) {
        List<String> withCommand = new ArrayList<>(List.of("job"));
        withCommand.addAll(List.of(args));
        int status = Main.commandLine().execute(withCommand.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("the maskstream job did not start (exit status " + status + "), see above");
        }
    }
}
