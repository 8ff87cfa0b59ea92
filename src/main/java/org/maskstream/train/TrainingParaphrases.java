package org.maskstream.train;

import org.maskstream.data.synth.Phrasing;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text augmentation for training: an instruction said with other words and in another sentence shape, from a table
 * of its own. Each word of the table is swapped for one of its synonyms half the time, and half the sentences get a
 * polite frame ("please ...", "could you ..."). The table shares no content word with the test-only vocabulary of
 * {@code Phrasing.PARAPHRASE} (a test checks it), so a model trained with it and scored on paraphrases still meets
 * words it never saw: what the augmentation teaches is to read meaning rather than match tokens, which helps a text
 * encoder that knows words beyond its training data (MiniLM) and cannot help one that does not.
 *
 * <p>Words outside the table pass through unchanged, so any dataset's instructions can be rephrased ("put some fries
 * on the plate" becomes "set some fries on the plate"). Only synonyms that keep the instruction true are listed:
 * colour words stay in their colour, side words on their side (mirroring has already happened when this runs).
 */
public final class TrainingParaphrases {
    private static final Map<String, List<String>> SYNONYMS = Map.ofEntries(
            Map.entry("red", List.of("ruby", "cherry", "brick")),
            Map.entry("green", List.of("lime", "olive", "mint")),
            Map.entry("blue", List.of("navy", "sapphire", "cerulean")),
            Map.entry("yellow", List.of("canary", "mustard", "butter")),
            Map.entry("purple", List.of("plum", "mauve", "amethyst")),
            Map.entry("orange", List.of("carrot", "pumpkin", "peach")),
            Map.entry("circle", List.of("ball", "dot", "ring")),
            Map.entry("square", List.of("block", "cube", "quad")),
            Map.entry("triangle", List.of("pyramid", "delta", "cone")),
            Map.entry("star", List.of("starburst", "sparkle", "spangle")),
            Map.entry("left", List.of("west", "port")),
            Map.entry("right", List.of("east", "starboard")),
            Map.entry("top", List.of("upper", "north")),
            Map.entry("bottom", List.of("lower", "south")),
            Map.entry("largest", List.of("greatest", "widest", "broadest")),
            Map.entry("biggest", List.of("greatest", "widest", "broadest")),
            Map.entry("smallest", List.of("slightest", "narrowest", "shortest")),
            Map.entry("make", List.of("render", "set")),
            Map.entry("turn", List.of("switch", "convert")),
            Map.entry("change", List.of("alter", "modify", "transform")),
            Map.entry("colour", List.of("color", "shade", "stain")),
            Map.entry("remove", List.of("clear", "drop", "scrub")),
            Map.entry("replace", List.of("substitute", "supplant")),
            Map.entry("put", List.of("set", "stick", "pop")),
            Map.entry("add", List.of("attach", "stick")),
            Map.entry("give", List.of("hand", "offer")),
            Map.entry("hat", List.of("fedora", "beanie", "topper")));
    private static final List<String> FRAMES = List.of("please %s", "could you %s", "can you %s", "%s please",
            "i want you to %s", "now %s");
    private static final double SWAP_PROBABILITY = 0.5;
    private static final double FRAME_PROBABILITY = 0.5;
    private static final Pattern WORD = Pattern.compile("[A-Za-z]+");

    private TrainingParaphrases() {
    }

    /** {@code instruction} rephrased with draws from {@code random}; it may come back unchanged. */
    public static String rephrase(String instruction, Random random) {
        Matcher m = WORD.matcher(instruction);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            List<String> options = SYNONYMS.get(m.group().toLowerCase(Locale.ROOT));
            if (options != null && random.nextDouble() < SWAP_PROBABILITY) {
                m.appendReplacement(out, options.get(random.nextInt(options.size())));
            }
        }
        m.appendTail(out);
        String sentence = out.toString();
        return random.nextDouble() < FRAME_PROBABILITY
                ? String.format(Locale.ROOT, FRAMES.get(random.nextInt(FRAMES.size())), sentence) : sentence;
    }

    /** Every word this augmentation can bring into an instruction (lower case). */
    public static Set<String> words() {
        Set<String> words = new TreeSet<>();
        SYNONYMS.values().forEach(list -> list.forEach(w -> words.addAll(Phrasing.tokens(w))));
        FRAMES.forEach(f -> words.addAll(Phrasing.tokens(f.replace("%s", " "))));
        return words;
    }
}
