package org.maskstream.experiment;

import org.maskstream.data.Example;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.Scene;
import org.maskstream.data.synth.SceneGenerator;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Train, validation and test sets of the synthetic benchmark, generated in memory (identical to what
 * {@code maskstream generate} writes for the same seed and size): seeds {@code s}, {@code s + 1}, {@code s + 2}.
 */
public record SyntheticSplits(int size, long seed, int trainInstructionsPerScene, List<Example> train,
                              List<Example> val, List<Example> test) {

    public static SyntheticSplits generate(int size, long seed, int train, int val, int test) {
        return generate(size, seed, train, val, test, 1);
    }

    /**
     * @param trainInstructionsPerScene instructions per training scene, as {@code generate --instructions-per-scene}
     *                                  writes them; validation and test scenes keep one each
     */
    public static SyntheticSplits generate(int size, long seed, int train, int val, int test,
                                           int trainInstructionsPerScene) {
        return new SyntheticSplits(size, seed, trainInstructionsPerScene,
                scenes(size, Phrasing.NORMAL, trainSeed(seed), train, trainInstructionsPerScene),
                scenes(size, Phrasing.NORMAL, valSeed(seed), val), scenes(size, Phrasing.NORMAL, testSeed(seed), test));
    }

    public static long trainSeed(long seed) {
        return seed;
    }

    public static long valSeed(long seed) {
        return seed + 1;
    }

    public static long testSeed(long seed) {
        return seed + 2;
    }

    /** Scenes {@code 0 .. count-1} of {@code seed} as examples. */
    public static List<Example> scenes(int size, Phrasing phrasing, long seed, int count) {
        return scenes(size, phrasing, seed, count, 1);
    }

    /** Scenes {@code 0 .. count-1} of {@code seed}, each with up to {@code perScene} instructions (same ids). */
    static List<Example> scenes(int size, Phrasing phrasing, long seed, int count, int perScene) {
        SceneGenerator generator = new SceneGenerator(size, phrasing);
        List<Example> out = new ArrayList<>(count * perScene);
        for (int i = 0; i < count; i++) {
            List<Scene> lines = generator.lines(seed, i, perScene);
            BufferedImage image = lines.get(0).render();
            for (int k = 0; k < lines.size(); k++) {
                out.add(new Example(SceneGenerator.lineId(seed, i, k), image, lines.get(k).instruction(),
                        lines.get(k).targetMask()));
            }
        }
        return out;
    }

    /** What the results files record about the data. */
    public Map<String, Object> describe() {
        return Map.of("generator", "org.maskstream.data.synth.SceneGenerator (normal phrasing)", "size", size,
                "train", Map.of("count", train.size(), "seed", trainSeed(seed),
                        "instructions_per_scene", trainInstructionsPerScene),
                "val", Map.of("count", val.size(), "seed", valSeed(seed)),
                "test", Map.of("count", test.size(), "seed", testSeed(seed)));
    }
}
