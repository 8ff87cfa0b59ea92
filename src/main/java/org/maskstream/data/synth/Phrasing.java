package org.maskstream.data.synth;

import org.maskstream.data.synth.Reference.Extreme;
import org.maskstream.data.synth.Reference.Side;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words and sentence templates of synthetic instructions.
 *
 * <p>{@link #NORMAL} is what training data uses. {@link #PARAPHRASE} says the same things with content words that
 * never occur in {@link #NORMAL} (only the {@link #FUNCTION_WORDS} are shared), to test whether a pretrained text
 * encoder generalises to words a model never saw in training: {@code PARAPHRASE.contentWords()} and
 * {@code NORMAL.vocabulary()} are disjoint.
 *
 * <p>Every template puts the reference before any colour or shape named by the edit ("make the blue star red",
 * "replace the circle on the left with a square"), so the reference's shape is the first shape word and a colour
 * reference's colour is the word right before it.
 */
public enum Phrasing {
    NORMAL(new Words(
            colours(Map.of(
                    ObjectColour.RED, List.of("red"), ObjectColour.GREEN, List.of("green"),
                    ObjectColour.BLUE, List.of("blue"), ObjectColour.YELLOW, List.of("yellow"),
                    ObjectColour.PURPLE, List.of("purple"), ObjectColour.ORANGE, List.of("orange"))),
            shapes(Map.of(
                    ShapeKind.CIRCLE, List.of("circle"), ShapeKind.SQUARE, List.of("square"),
                    ShapeKind.TRIANGLE, List.of("triangle"), ShapeKind.STAR, List.of("star"))),
            sides(Map.of(
                    Side.LEFT, List.of("left"), Side.RIGHT, List.of("right"),
                    Side.TOP, List.of("top"), Side.BOTTOM, List.of("bottom"))),
            extremes(Map.of(
                    Extreme.LARGEST, List.of("largest", "biggest"), Extreme.SMALLEST, List.of("smallest"))),
            List.of("the {colour} {shape}"),
            List.of("the {shape} on the {side}", "the {side} {shape}"),
            List.of("the {side} {shape}", "the {shape} at the {side}"),
            List.of("the {extreme} {shape}", "the {shape} that is the {extreme}"),
            List.of("make {ref} {colour}", "turn {ref} {colour}", "change {ref} to {colour}", "colour {ref} {colour}"),
            List.of("remove {ref}", "take away {ref}", "get rid of {ref}"),
            List.of("replace {ref} with a {shape}", "turn {ref} into a {shape}", "change {ref} into a {shape}"),
            List.of("put a hat on {ref}", "add a hat to {ref}", "give {ref} a hat"))),

    PARAPHRASE(new Words(
            colours(Map.of(
                    ObjectColour.RED, List.of("crimson", "scarlet"), ObjectColour.GREEN, List.of("emerald", "jade"),
                    ObjectColour.BLUE, List.of("azure", "cobalt"), ObjectColour.YELLOW, List.of("golden", "lemon"),
                    ObjectColour.PURPLE, List.of("violet", "lilac"),
                    ObjectColour.ORANGE, List.of("tangerine", "apricot"))),
            shapes(Map.of(
                    ShapeKind.CIRCLE, List.of("disc", "orb"), ShapeKind.SQUARE, List.of("box", "tile"),
                    ShapeKind.TRIANGLE, List.of("wedge", "trigon"), ShapeKind.STAR, List.of("pentagram", "asterisk"))),
            sides(Map.of(
                    Side.LEFT, List.of("leftmost", "westmost"), Side.RIGHT, List.of("rightmost", "eastmost"),
                    Side.TOP, List.of("uppermost", "highest"), Side.BOTTOM, List.of("lowest", "lowermost"))),
            extremes(Map.of(
                    Extreme.LARGEST, List.of("hugest", "grandest"), Extreme.SMALLEST, List.of("tiniest", "littlest"))),
            List.of("the {colour} {shape}"),
            List.of("the {side} {shape}", "the {shape} that is {side}"),
            List.of("the {side} {shape}", "the {shape} that is {side}"),
            List.of("the {extreme} {shape}", "the {shape} that is {extreme}"),
            List.of("paint {ref} {colour}", "dye {ref} {colour}", "tint {ref} {colour}", "recolour {ref} {colour}"),
            List.of("erase {ref}", "delete {ref}", "eliminate {ref}", "wipe out {ref}"),
            List.of("swap {ref} for a {shape}", "exchange {ref} for a {shape}", "morph {ref} into a {shape}"),
            List.of("place a cap on {ref}", "fit a bonnet on {ref}", "crown {ref} with a cap")));

    /** Grammar words both phrasings may use; every other word of a phrasing is a content word. */
    public static final Set<String> FUNCTION_WORDS =
            Collections.unmodifiableSet(new LinkedHashSet<>(List.of("the", "a", "an", "with", "on", "to", "into",
                    "of", "that", "is", "at", "for")));

    private static final Pattern TOKEN = Pattern.compile("[a-z]+");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
    private static final Pattern ARTICLE_BEFORE_VOWEL = Pattern.compile("\\ba ([aeiou])");
    private static final Map<String, String> MIRRORED_WORDS = mirroredWords();

    private final Words words;

    Phrasing(Words words) {
        this.words = words;
    }

    /** The instruction for {@code edit} applied to the object {@code reference} names, templates drawn from rnd. */
    public String instruction(Reference reference, Edit edit, SplittableRandom rnd) {
        String ref = referencePhrase(reference, rnd);
        String sentence;
        if (edit instanceof Edit.Recolour r) {
            sentence = fill(pick(words.recolour, rnd), Map.of("ref", ref,
                    "colour", pick(words.colours.get(r.colour()), rnd)));
        } else if (edit instanceof Edit.Replace r) {
            sentence = fill(pick(words.replace, rnd), Map.of("ref", ref,
                    "shape", pick(words.shapes.get(r.shape()), rnd)));
        } else if (edit instanceof Edit.Remove) {
            sentence = fill(pick(words.remove, rnd), Map.of("ref", ref));
        } else {
            sentence = fill(pick(words.hat, rnd), Map.of("ref", ref));
        }
        return ARTICLE_BEFORE_VOWEL.matcher(sentence).replaceAll("an $1");
    }

    private String referencePhrase(Reference reference, SplittableRandom rnd) {
        String shape = pick(words.shapes.get(reference.shape()), rnd);
        if (reference instanceof Reference.ByColour c) {
            return fill(pick(words.byColour, rnd), Map.of("shape", shape,
                    "colour", pick(words.colours.get(c.colour()), rnd)));
        }
        if (reference instanceof Reference.ByPosition p) {
            return fill(pick(p.side().horizontal() ? words.byHorizontal : words.byVertical, rnd),
                    Map.of("shape", shape, "side", pick(words.sides.get(p.side()), rnd)));
        }
        Reference.BySize size = (Reference.BySize) reference;
        return fill(pick(words.bySize, rnd), Map.of("shape", shape,
                "extreme", pick(words.extremes.get(size.extreme()), rnd)));
    }

    /** Every word this phrasing can emit, function words included. */
    public Set<String> vocabulary() {
        Set<String> all = new LinkedHashSet<>();
        for (List<String> templates : words.templates()) {
            for (String t : templates) {
                all.addAll(tokens(PLACEHOLDER.matcher(t).replaceAll(" ")));
            }
        }
        all.add("an");
        all.addAll(colourWords().keySet());
        all.addAll(shapeWords().keySet());
        all.addAll(sideWords().keySet());
        all.addAll(extremeWords().keySet());
        return Collections.unmodifiableSet(all);
    }

    /** {@link #vocabulary()} without the {@link #FUNCTION_WORDS}. */
    public Set<String> contentWords() {
        Set<String> content = new LinkedHashSet<>(vocabulary());
        content.removeAll(FUNCTION_WORDS);
        return Collections.unmodifiableSet(content);
    }

    /** Word to colour, for every colour word of this phrasing. */
    public Map<String, ObjectColour> colourWords() {
        return inverse(words.colours);
    }

    public Map<String, ShapeKind> shapeWords() {
        return inverse(words.shapes);
    }

    public Map<String, Side> sideWords() {
        return inverse(words.sides);
    }

    public Map<String, Extreme> extremeWords() {
        return inverse(words.extremes);
    }

    /**
     * The instruction as it reads for the horizontally mirrored image: every left word of either phrasing becomes
     * its right counterpart and back ("the circle on the left" -> "the circle on the right", "leftmost" ->
     * "rightmost"); everything else is unchanged. Image-flip augmentation must apply this to the instruction.
     */
    public static String mirrorLeftRight(String instruction) {
        Matcher m = Pattern.compile("[A-Za-z]+").matcher(instruction);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String word = m.group();
            String swapped = MIRRORED_WORDS.get(word.toLowerCase(Locale.ROOT));
            m.appendReplacement(out, swapped == null ? word : Matcher.quoteReplacement(
                    Character.isUpperCase(word.charAt(0)) ? Character.toUpperCase(swapped.charAt(0))
                            + swapped.substring(1) : swapped));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Lower-case letter runs: how the vocabulary and the word sets count words. */
    public static List<String> tokens(String text) {
        return TOKEN.matcher(text.toLowerCase(Locale.ROOT)).results().map(java.util.regex.MatchResult::group).toList();
    }

    private static Map<String, String> mirroredWords() {
        Map<String, String> swap = new LinkedHashMap<>();
        for (Phrasing p : values()) {
            List<String> left = p.words.sides.get(Side.LEFT);
            List<String> right = p.words.sides.get(Side.RIGHT);
            for (int i = 0; i < left.size(); i++) {
                swap.put(left.get(i), right.get(i));
                swap.put(right.get(i), left.get(i));
            }
        }
        return Map.copyOf(swap);
    }

    private static <K extends Enum<K>> Map<String, K> inverse(Map<K, List<String>> byMeaning) {
        Map<String, K> inv = new LinkedHashMap<>();
        byMeaning.forEach((meaning, list) -> list.forEach(w -> inv.put(w, meaning)));
        return Collections.unmodifiableMap(inv);
    }

    private static String pick(List<String> options, SplittableRandom rnd) {
        return options.get(rnd.nextInt(options.size()));
    }

    private static String fill(String template, Map<String, String> values) {
        return PLACEHOLDER.matcher(template).replaceAll(m -> Matcher.quoteReplacement(values.get(m.group(1))));
    }

    private static EnumMap<ObjectColour, List<String>> colours(Map<ObjectColour, List<String>> m) {
        return complete(ObjectColour.class, m);
    }

    private static EnumMap<ShapeKind, List<String>> shapes(Map<ShapeKind, List<String>> m) {
        return complete(ShapeKind.class, m);
    }

    private static EnumMap<Side, List<String>> sides(Map<Side, List<String>> m) {
        return complete(Side.class, m);
    }

    private static EnumMap<Extreme, List<String>> extremes(Map<Extreme, List<String>> m) {
        return complete(Extreme.class, m);
    }

    /** An EnumMap (iteration in declaration order, whatever Map.of did) that must name every constant. */
    private static <K extends Enum<K>> EnumMap<K, List<String>> complete(Class<K> type, Map<K, List<String>> m) {
        EnumMap<K, List<String>> e = new EnumMap<>(type);
        e.putAll(m);
        for (K k : type.getEnumConstants()) {
            if (e.getOrDefault(k, List.of()).isEmpty()) {
                throw new IllegalStateException("no word for " + k);
            }
        }
        return e;
    }

    private record Words(EnumMap<ObjectColour, List<String>> colours, EnumMap<ShapeKind, List<String>> shapes,
                         EnumMap<Side, List<String>> sides, EnumMap<Extreme, List<String>> extremes,
                         List<String> byColour, List<String> byHorizontal, List<String> byVertical,
                         List<String> bySize, List<String> recolour, List<String> remove, List<String> replace,
                         List<String> hat) {
        List<List<String>> templates() {
            return List.of(byColour, byHorizontal, byVertical, bySize, recolour, remove, replace, hat);
        }
    }
}
