package org.maskstream.experiment;

import org.maskstream.data.Example;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.Scene;
import org.maskstream.data.synth.SceneGenerator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Train, validation and test sets of the synthetic benchmark, generated in memory (identical to what
 * {@code maskstream generate} writes for the same seed and size): seeds {@code s}, {@code s + 1}, {@code s + 2}.
 */
public record SyntheticSplits(int size, long seed, List<Example> train, List<Example> val, List<Example> test) {

    public static SyntheticSplits generate(int size, long seed, int train, int val, int test) {
        return new SyntheticSplits(size, seed, scenes(size, Phrasing.NORMAL, trainSeed(seed), train),
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
        SceneGenerator generator = new SceneGenerator(size, phrasing);
        List<Example> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Scene s = generator.scene(seed, i);
            out.add(new Example(SceneGenerator.id(seed, i), s.render(), s.instruction(), s.targetMask()));
        }
        return out;
    }

    /** What the results files record about the data. */
    public Map<String, Object> describe() {
        return Map.of("generator", "org.maskstream.data.synth.SceneGenerator (normal phrasing)", "size", size,
                "train", Map.of("count", train.size(), "seed", trainSeed(seed)),
                "val", Map.of("count", val.size(), "seed", valSeed(seed)),
                "test", Map.of("count", test.size(), "seed", testSeed(seed)));
    }
}
