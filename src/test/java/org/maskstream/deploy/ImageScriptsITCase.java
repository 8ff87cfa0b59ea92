package org.maskstream.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command wrappers docker-compose.yml and k8s/ run in the image (deploy/docker/), run here on the built jar.
 */
class ImageScriptsITCase {

    private static final Path JAR = ProjectFiles.path("target").resolve(ProjectFiles.jarFileName());

    @Test
    void maskstreamRunsTheJarsLauncher() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), JAR + " is built by 'mvn package' before the integration tests");
        Result result = run(List.of(script("maskstream"), "--version"));
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().startsWith("maskstream "), result.output());
    }

    @Test
    void maskstreamUnlessExistsSkipsWhenTheMarkerExistsAndRunsOtherwise(@TempDir Path temp) throws Exception {
        assumeTrue(Files.isRegularFile(JAR), JAR + " is built by 'mvn package' before the integration tests");
        Path marker = temp.resolve("model/parameters.sha256");

        Result ran = run(List.of(script("maskstream-unless-exists"), marker.toString(), "--version"));
        assertEquals(0, ran.exit(), ran.output());
        assertTrue(ran.output().startsWith("maskstream "), ran.output());

        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "done");
        Result skipped = run(List.of(script("maskstream-unless-exists"), marker.toString(), "no-such-command"));
        assertEquals(0, skipped.exit(), skipped.output());
        assertEquals(marker + " exists: skipping 'maskstream no-such-command'\n", skipped.output());
    }

    private record Result(int exit, String output) {
    }

    private static String script(String name) {
        return ProjectFiles.path("deploy/docker/" + name).toString();
    }

    private static Result run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MASKSTREAM_JAR", JAR.toString());
        builder.environment().put("MASKSTREAM_JAVA_OPTS", "-Xmx256m");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(1, TimeUnit.MINUTES), output);
        return new Result(process.exitValue(), output);
    }
}
