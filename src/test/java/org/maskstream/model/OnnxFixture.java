package org.maskstream.model;

import org.maskstream.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The tiny CLIPSeg-signature model folder written by {@code src/test/python/export_tiny_clipseg.py} (see there what
 * it computes: "bright" selects the light pixels, "dark" the dark ones, other words nothing).
 */
public final class OnnxFixture {
    private OnnxFixture() {
    }

    /** The folder the build wrote onto the test class path. */
    public static Path folder() {
        return resource("/onnx/tiny-clipseg");
    }

    /** The same graph with logits at 176 x 176 instead of 352 x 352. */
    static Path smallLogitsGraph() {
        return resource("/onnx/tiny-clipseg-176.onnx");
    }

    /** A copy of the folder in {@code dir} with its config.json's top-level fields replaced by {@code edit}. */
    @SuppressWarnings("unchecked")
    static Path copy(Path dir, UnaryOperator<Map<String, Object>> edit) {
        try {
            Files.createDirectories(dir);
            try (var files = Files.list(folder())) {
                for (Path f : files.toList()) {
                    Files.copy(f, dir.resolve(f.getFileName().toString()));
                }
            }
            Path config = dir.resolve(SavedModel.CONFIG);
            Map<String, Object> json = Json.MAPPER.readValue(config.toFile(), Map.class);
            Json.MAPPER.writeValue(config.toFile(), edit.apply(json));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(OnnxFixture.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException(name + " is not on the test class path: the build writes it with"
                    + " /usr/bin/python3 src/test/python/export_tiny_clipseg.py (Debian python3-torch) before the"
                    + " tests; run mvn test-compile, not the IDE's own copy of the resources", e);
        }
    }
}
