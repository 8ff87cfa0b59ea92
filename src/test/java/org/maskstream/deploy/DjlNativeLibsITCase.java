package org.maskstream.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image's DJL layout works without writing anything: runs deploy/djl-native-libs.sh on the DJL jars (as the
 * Dockerfile does), then a JVM with the Dockerfile's DJL environment, in which DJL's cache directory and the
 * home directory cannot be created (even by root). Every native library must still load.
 */
class DjlNativeLibsITCase {

    /** A path no process can create: /dev/null is not a directory. */
    private static final String UNWRITABLE = "/dev/null/unwritable";

    @Test
    void djlLoadsFromTheUnpackedLibrariesWithItsCacheUnwritable(@TempDir Path temp) throws Exception {
        Path lib = Files.createDirectories(temp.resolve("lib"));
        // the DJL artifacts the Dockerfile copies (the shaded jar under test holds the same files: skip it)
        Map<String, String> jarByResource = Map.of(
                "native/lib/pytorch.properties", "pytorch-native-cpu-",
                "jnilib/pytorch.properties", "pytorch-jni-",
                "native/lib/tokenizers.properties", "tokenizers-");
        for (var entry : jarByResource.entrySet()) {
            Path jar = jarContaining(entry.getKey(), entry.getValue());
            Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar);
        }
        Path nativeDir = temp.resolve("djl");
        Process layout = new ProcessBuilder("bash", ProjectFiles.path("deploy/djl-native-libs.sh").toString(),
                lib.toString(), nativeDir.toString()).redirectErrorStream(true).start();
        String layoutOutput = output(layout);
        assertEquals(0, layout.exitValue(), layoutOutput);
        try (Stream<Path> links = Files.list(lib)) {
            for (Path link : links.toList()) {
                Files.delete(link);  // only the links: the jars stay in the local repository
            }
        }

        Path tmp = Files.createDirectories(temp.resolve("tmp"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + UNWRITABLE, "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), DjlNativeProbe.class.getName()));
        ProcessBuilder probe = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = probe.environment();
        env.keySet().removeIf(k -> k.startsWith("PYTORCH_") || k.startsWith("RUST_") || k.startsWith("DJL_")
                || k.equals("ENGINE_CACHE_DIR") || k.equals("JAVA_TOOL_OPTIONS"));
        DjlImageEnvironment.of(ProjectFiles.read("Dockerfile")).forEach((key, value) ->
                env.put(key, value.replace(DjlImageEnvironment.NATIVE_DIR, nativeDir.toString())));
        env.put("ENGINE_CACHE_DIR", UNWRITABLE);
        env.put("DJL_CACHE_DIR", UNWRITABLE);
        env.put("HOME", UNWRITABLE);

        Process run = probe.start();
        String out = output(run);
        assertEquals(0, run.exitValue(), out);
        assertTrue(out.contains("pytorch 2.7.1 sum=6.0"), out);
        // [CLS] put fries on the plate [SEP] in BERT WordPiece ids
        assertTrue(out.contains("tokenizers ids=[101, 2404, 22201, 2006, 1996, 5127, 102]"), out);
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "DJL wrote into java.io.tmpdir");
        }
    }

    private static Path jarContaining(String resource, String jarNamePrefix) throws IOException {
        for (URL url : Collections.list(DjlNativeLibsITCase.class.getClassLoader().getResources(resource))) {
            Path jar = Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().getPath());
            if (jar.getFileName().toString().startsWith(jarNamePrefix)) {
                return jar;
            }
        }
        throw new AssertionError("no " + jarNamePrefix + "*.jar with " + resource + " on the test class path");
    }

    private static String output(Process process) throws Exception {
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "timed out:\n" + text);
        return text;
    }
}
