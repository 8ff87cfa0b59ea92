package org.maskstream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sql}: what is wrong with the arguments or the script is said in one line, exit status 2. No cluster. */
class SqlCommandTest {
    private static final String EXAMPLE = "examples/sql/live-iou.sql";

    /** The error output of a failing run, after checking that it failed as a user error. */
    private static String error(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int status = cl.execute(args);
        String text = err.toString();
        assertEquals(2, status, text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
        return text;
    }

    private static void assertMentions(String text, String expected) {
        assertTrue(text.contains(expected), "expected '" + expected + "' in: " + text);
    }

    @Test
    void aPlaceholderWithoutValueSaysWhichVarToPass() {
        assertMentions(error("sql", "-f", EXAMPLE), "uses ${model} but no value was given for it");
        assertMentions(error("sql", "-f", EXAMPLE), "pass --var model=VALUE");
    }

    @Test
    void aMisspeltVarIsRefusedRatherThanLeavingTheDefault() {
        String text = error("sql", "-f", EXAMPLE, "--var", "model=m", "--var", "window.second=5");
        assertMentions(text, "no placeholder for --var window.second");
        assertMentions(text, "window.seconds");
    }

    @Test
    void theBrokerIsGivenOnce() {
        assertMentions(error("sql", "-f", EXAMPLE, "--var", "model=m", "--bootstrap-servers", "a:1", "--var",
                "bootstrap.servers=b:1"), "given twice");
    }

    @Test
    void aMissingScriptIsNamed() {
        assertMentions(error("sql", "-f", "no/such.sql"), "cannot read the SQL script no/such.sql: no such file");
    }

    @Test
    void aModelFolderThatDoesNotLoadStopsAtTheFirstStatementThatPlansTheModel() throws Exception {
        // nothing runs: the model is checked when the view over ML_PREDICT is validated
        String text = error("sql", "-f", EXAMPLE, "--var", "model=target/no-such-model");
        int line = Files.readAllLines(Path.of(EXAMPLE)).indexOf("CREATE TEMPORARY VIEW predictions AS") + 1;
        assertMentions(text, "statement 6 (line " + line + ": CREATE TEMPORARY VIEW predictions AS SELECT id, ");
        assertMentions(text, "'model.path' = 'target/no-such-model' does not load: model folder "
                + "target/no-such-model does not exist");
        assertEquals(1, text.lines().count(), "one line: " + text);
    }

    @Test
    void aSyntaxErrorNamesTheStatementAndItsLine(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("bad.sql"), "-- a comment\nSET 'parallelism.default' = '1';\n\n"
                + "SELECT 1 FROM;\n");
        String text = error("sql", "-f", script.toString());
        assertMentions(text, "statement 2 (line 4: SELECT 1 FROM) was refused: Encountered \"<EOF>\" at line 1, column 13");
        assertEquals(1, text.lines().count(), "one line: " + text);
    }

    @Test
    void aParallelismBelowOneIsRefused() {
        assertMentions(error("sql", "-f", EXAMPLE, "--parallelism", "0"), "--parallelism must be at least 1");
    }
}
