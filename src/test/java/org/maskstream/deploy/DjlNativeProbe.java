package org.maskstream.deploy;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * Run in a child JVM by {@link DjlNativeLibsITCase} with the image's DJL environment: loads every DJL native
 * library the job uses and prints one line per library, so the parent can check they all came up.
 */
public final class DjlNativeProbe {

    private DjlNativeProbe() {
    }

    public static void main(String[] args) throws Exception {
        Engine pytorch = Engine.getEngine("PyTorch");
        try (NDManager manager = NDManager.newBaseManager(pytorch.defaultDevice(), "PyTorch")) {
            float sum = manager.ones(new Shape(2, 3)).sum().getFloat();
            System.out.println("pytorch " + pytorch.getVersion() + " sum=" + sum);
        }
        try (InputStream json = DjlNativeProbe.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json");
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of("padding", "false"))) {
            System.out.println("tokenizers ids=" + Arrays.toString(tokenizer.encode("put fries on the plate").getIds()));
        }
    }
}
