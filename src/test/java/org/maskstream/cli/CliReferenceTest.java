package org.maskstream.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliReferenceTest {

    @Test
    void docsCliHoldsTheHelpOfEveryCommandAsTheParserPrintsIt() throws Exception {
        String readme = Files.readString(Path.of("docs", "cli.md"));
        String expected = CliReference.render(Main.commandLine()).strip();
        assertEquals(expected, CliReference.currentSection(readme),
                "docs/cli.md is out of date: run bin/cli-reference");
    }

    @Test
    void referenceStartsWithWhatMaskstreamHelpPrintsAndCoversEverySubcommand() {
        StringWriter help = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(help));
        cl.setColorScheme(picocli.CommandLine.Help.defaultColorScheme(picocli.CommandLine.Help.Ansi.OFF));
        assertEquals(0, cl.execute("--help"));

        String reference = CliReference.render(Main.commandLine());
        assertTrue(reference.startsWith("#### `maskstream`\n\n```text\n" + help.toString().stripTrailing()),
                reference);
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            if (!name.equals("help")) {
                assertTrue(reference.contains("#### `maskstream " + name + "`"), name + " is missing");
            }
        }
    }

    @Test
    void replacingTheSectionKeepsTheRestAndNeedsTheMarkers() {
        String readme = "intro\n" + CliReference.START + "\nold\n" + CliReference.END + "\noutro\n";
        assertEquals("intro\n" + CliReference.START + "\n\nnew\n" + CliReference.END + "\noutro\n",
                CliReference.replaceSection(readme, "new\n"));
        assertThrows(UserError.class, () -> CliReference.replaceSection("no markers", "new"));
    }
}
