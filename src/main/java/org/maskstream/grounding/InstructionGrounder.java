package org.maskstream.grounding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which detected objects an edit instruction acts on: the COCO classes it names, the edit's kind, and which of the
 * instances.
 *
 * <p>Rules (general English, not fitted to any dataset's sentences):
 * <ul>
 *   <li>A <b>mention</b> is a span of up to three words that is a class name, a {@link #SYNONYMS synonym} or, for a
 *       single word outside the {@link #FUNCTION_WORDS}, a word the {@link ClassMatcher} maps to a class. Spans are
 *       also tried without spaces ("cell phone" = "cellphone") and in the singular ("dogs", "people").</li>
 *   <li>The <b>kind</b> is remove (remove, delete, erase, get rid of, take out/away), add (first word add, put,
 *       place or insert, or "another") or change (anything else).</li>
 *   <li>The <b>targets</b> of a change or removal are the first mention and the mentions joined to it by "and" or
 *       "or" ("the microwave and the stove"); later mentions are what the object becomes ("turn the
 *       cat into a dog"). An added object is not in the photo yet: the target is the first mention after a place
 *       preposition ("add a cup on the table"), else none.</li>
 *   <li>The <b>choice</b> among instances: "all", "every", "both", "each" before the target, or a plural target, means every
 *       instance;
 *       a comparative or superlative picks one (lower/lowest/bottom, upper/top, left, right, bigger/biggest/larger,
 *       smaller/smallest, middle/centre); otherwise the best-scoring instance.</li>
 * </ul>
 */
public final class InstructionGrounder {
    /** What the edit does to the named object. */
    public enum Kind { CHANGE, REMOVE, ADD }

    /** Which of the target classes' detections the edit means. */
    public enum Choice { BEST, ALL, LOWER, UPPER, LEFT, RIGHT, BIGGER, SMALLER, MIDDLE }

    /**
     * @param classes the target classes, first mention first; empty when no COCO class is named as a target
     */
    public record Grounding(Kind kind, List<Integer> classes, Choice choice) {
        public boolean namesClass() {
            return !classes.isEmpty();
        }
    }

    /**
     * Words for COCO classes that a similarity threshold would miss or get wrong: people words (MiniLM puts "girl"
     * nearer "teddy bear" than "person"), everyday names of classes with a formal name, and "sign" (COCO's only
     * sign class is the stop sign). Keys are singular.
     */
    public static final Map<String, String> SYNONYMS = Map.ofEntries(
            Map.entry("people", "person"), Map.entry("man", "person"), Map.entry("woman", "person"),
            Map.entry("men", "person"), Map.entry("women", "person"), Map.entry("girl", "person"),
            Map.entry("boy", "person"), Map.entry("child", "person"), Map.entry("children", "person"),
            Map.entry("kid", "person"), Map.entry("baby", "person"), Map.entry("guy", "person"),
            Map.entry("lady", "person"), Map.entry("human", "person"), Map.entry("player", "person"),
            Map.entry("skier", "person"), Map.entry("surfer", "person"), Map.entry("rider", "person"),
            Map.entry("crowd", "person"), Map.entry("bike", "bicycle"), Map.entry("motorbike", "motorcycle"),
            Map.entry("plane", "airplane"), Map.entry("aeroplane", "airplane"), Map.entry("jet", "airplane"),
            Map.entry("taxi", "car"), Map.entry("ship", "boat"), Map.entry("sign", "stop sign"),
            Map.entry("puppy", "dog"), Map.entry("kitten", "cat"), Map.entry("pony", "horse"),
            Map.entry("lamb", "sheep"), Map.entry("bag", "handbag"), Map.entry("purse", "handbag"),
            Map.entry("ball", "sports ball"), Map.entry("glass", "wine glass"), Map.entry("mug", "cup"),
            Map.entry("doughnut", "donut"), Map.entry("sofa", "couch"), Map.entry("plant", "potted plant"),
            Map.entry("table", "dining table"), Map.entry("desk", "dining table"), Map.entry("television", "tv"),
            Map.entry("phone", "cell phone"), Map.entry("smartphone", "cell phone"),
            Map.entry("stove", "oven"), Map.entry("fridge", "refrigerator"), Map.entry("teddy", "teddy bear"),
            Map.entry("hotdog", "hot dog"), Map.entry("scissor", "scissors"), Map.entry("computer", "laptop"), Map.entry("hair dryer", "hair drier"));

    /**
     * Words never sent to the matcher: articles, pronouns, prepositions, the edit verbs and colours, whose
     * embeddings land near arbitrary classes.
     */
    static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "the", "this", "that", "these", "those", "it", "its",
            "it's", "s", "he", "she", "they", "them", "his", "her", "their", "some", "all", "every", "both", "each",
            "and", "or", "but", "of", "on", "in", "into", "onto", "to", "for", "with", "without", "at", "by", "from",
            "as", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "do", "does", "let", "make",
            "made", "turn", "change", "replace", "swap", "remove", "delete", "erase", "get", "rid", "take", "out",
            "away", "add", "put", "place", "insert", "give", "should", "would", "could", "can", "will", "what", "if",
            "now", "only", "just", "leave", "there", "here", "another", "other", "more", "less", "instead", "look",
            "like", "become", "up", "down", "off", "over", "under", "above", "below", "behind", "next",
            "beside", "near", "inside", "outside", "lower", "lowest", "bottom", "upper", "top", "higher", "highest",
            "left", "right", "bigger", "biggest", "larger", "largest", "smaller", "smallest", "middle", "center",
            "centre", "big", "small", "large", "little", "new", "old", "color", "colour", "white", "black", "red",
            "blue", "green", "yellow", "orange", "pink", "purple", "brown", "gray", "grey", "gold", "silver", "one",
            "two", "three", "half", "very", "much", "so", "not", "no", "called", "named", "please", "someone");

    private static final Set<String> REMOVE_PHRASES = Set.of("remove", "delete", "erase", "get rid", "take out",
            "take away", "eliminate");
    private static final Set<String> ADD_FIRST = Set.of("add", "put", "place", "insert");
    private static final Set<String> PLACE_WORDS = Set.of("on", "in", "onto", "into", "inside", "beside", "near",
            "under", "over", "above", "behind", "by", "at", "to");
    private static final Set<String> ARTICLES = Set.of("the", "a", "an", "this", "that", "these", "those", "its",
            "his", "her", "their");
    private static final Set<String> JOINERS = Set.of("and", "the", "a", "an", "or", "also", "both");
    private static final Set<String> ALL_WORDS = Set.of("all", "every", "both", "each");
    private static final Set<String> IRREGULAR_PLURALS = Set.of("people", "men", "women", "children");
    private static final Map<String, Choice> CHOICE_WORDS = choiceWords();
    private static final int MAX_SPAN = 3;

    private final ClassMatcher matcher;

    public InstructionGrounder(ClassMatcher matcher) {
        this.matcher = matcher;
    }

    /** One class mention: tokens {@code [start, end)}. */
    private record Mention(int start, int end, int classId, boolean plural) {
    }

    public Grounding ground(String instruction) {
        List<String> tokens = tokens(instruction);
        String joined = " " + String.join(" ", tokens) + " ";
        Kind kind = REMOVE_PHRASES.stream().anyMatch(p -> joined.contains(" " + p + " ")) ? Kind.REMOVE
                : !tokens.isEmpty() && ADD_FIRST.contains(tokens.get(0)) || tokens.contains("another") ? Kind.ADD
                : Kind.CHANGE;
        List<Mention> mentions = mentions(tokens);
        List<Mention> targets = new ArrayList<>();
        if (kind == Kind.ADD) {
            mentions.stream().filter(m -> afterPlaceWord(tokens, m.start())).findFirst().ifPresent(targets::add);
        } else if (!mentions.isEmpty()) {
            targets.add(mentions.get(0));
            for (int i = 1; i < mentions.size(); i++) {
                List<String> between = tokens.subList(targets.get(targets.size() - 1).end(), mentions.get(i).start());
                // Adjacent mentions are a noun and its modifier ("the cats orange"), not a list.
                if (!between.stream().allMatch(JOINERS::contains)
                        || !(between.contains("and") || between.contains("or"))) {
                    break;
                }
                targets.add(mentions.get(i));
            }
        }
        Choice choice = Choice.BEST;
        for (String t : tokens) {
            choice = CHOICE_WORDS.getOrDefault(t, choice);
        }
        // "all" counts before the object only: in "make the bag all black" it is an adverb.
        int firstTarget = targets.isEmpty() ? 0 : targets.get(0).start();
        if (choice == Choice.BEST && (tokens.subList(0, firstTarget).stream().anyMatch(ALL_WORDS::contains)
                || targets.stream().anyMatch(Mention::plural))) {
            choice = Choice.ALL;
        }
        List<Integer> classes = new ArrayList<>(new LinkedHashSet<>(targets.stream().map(Mention::classId).toList()));
        return new Grounding(kind, List.copyOf(classes), choice);
    }

    /** Whether a place preposition comes before token {@code start}, articles allowed in between. */
    private static boolean afterPlaceWord(List<String> tokens, int start) {
        int i = start - 1;
        while (i >= 0 && ARTICLES.contains(tokens.get(i))) {
            i--;
        }
        return i >= 0 && PLACE_WORDS.contains(tokens.get(i));
    }

    /**
     * The detections the grounding means, best first; empty when it names no class or none was detected. Every
     * named class gets its own pick ("the microwave and the stove" is one of each). "All" keeps the instances
     * scoring at least {@code confident}, and at least the best one; a single pick prefers those instances too, and
     * takes the best less confident one only when there is none: the instruction itself is evidence that the
     * object is in the photo.
     */
    public static List<Detection> select(Grounding g, List<Detection> detections, double confident) {
        List<Detection> out = new ArrayList<>();
        for (int c : g.classes()) {
            List<Detection> named = detections.stream().filter(d -> d.classId() == c)
                    .sorted(Comparator.comparingDouble(Detection::score).reversed()).toList();
            if (named.isEmpty()) {
                continue;
            }
            List<Detection> sure = named.stream().filter(d -> d.score() >= confident).toList();
            List<Detection> pool = sure.isEmpty() ? List.of(named.get(0)) : sure;
            if (g.choice() == Choice.ALL) {
                out.addAll(pool);
                continue;
            }
            Comparator<Detection> by = switch (g.choice()) {
                case BEST, ALL -> Comparator.comparingDouble(Detection::score);
                case LOWER -> Comparator.comparingDouble(d -> d.box().centreY());
                case UPPER -> Comparator.comparingDouble(d -> -d.box().centreY());
                case LEFT -> Comparator.comparingDouble(d -> -d.box().centreX());
                case RIGHT -> Comparator.comparingDouble(d -> d.box().centreX());
                case BIGGER -> Comparator.comparingDouble(d -> d.box().area());
                case SMALLER -> Comparator.comparingDouble(d -> -d.box().area());
                case MIDDLE -> middle(detections);
            };
            out.add(pool.stream().max(by).orElseThrow());
        }
        out.sort(Comparator.comparingDouble(Detection::score).reversed());
        return out;
    }

    /** Nearest to the centre of all detections' extent (the image's size is not known here). */
    private static Comparator<Detection> middle(List<Detection> all) {
        double cx = all.stream().mapToDouble(d -> d.box().x0() + d.box().x1()).sum() / (2.0 * all.size());
        double cy = all.stream().mapToDouble(d -> d.box().y0() + d.box().y1()).sum() / (2.0 * all.size());
        return Comparator.comparingDouble(d -> -Math.hypot(d.box().centreX() - cx, d.box().centreY() - cy));
    }

    static List<String> tokens(String instruction) {
        String clean = instruction.toLowerCase(Locale.ROOT).replaceAll("[^a-z']+", " ").strip();
        return clean.isEmpty() ? List.of() : Arrays.asList(clean.split(" "));
    }

    private List<Mention> mentions(List<String> tokens) {
        List<Mention> out = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            Mention found = null;
            for (int len = Math.min(MAX_SPAN, tokens.size() - i); len >= 1 && found == null; len--) {
                found = mention(tokens, i, len);
            }
            if (found != null) {
                out.add(found);
                i = found.end();
            } else {
                i++;
            }
        }
        return out;
    }

    private Mention mention(List<String> tokens, int start, int len) {
        List<String> span = tokens.subList(start, start + len);
        String last = span.get(len - 1);
        String singularLast = singular(last);
        boolean plural = IRREGULAR_PLURALS.contains(last) || !singularLast.equals(last);
        if (len == 1 && FUNCTION_WORDS.contains(last)) {
            return null; // "orange" is a colour far more often than a fruit in an edit instruction
        }
        for (String form : forms(span, singularLast)) {
            int c = known(form);
            if (c >= 0) {
                return new Mention(start, start + len, c, plural);
            }
        }
        if (len == 1 && !FUNCTION_WORDS.contains(last) && last.length() > 2) {
            int c = matcher.classOf(singularLast);
            if (c >= 0) {
                return new Mention(start, start + 1, c, plural);
            }
        }
        return null;
    }

    /** The span as written, in the singular, and both without spaces. */
    private static List<String> forms(List<String> span, String singularLast) {
        List<String> head = span.subList(0, span.size() - 1);
        String asIs = String.join(" ", span);
        String singular = String.join(" ", concat(head, singularLast));
        return List.of(asIs, singular, asIs.replace(" ", ""), singular.replace(" ", ""));
    }

    private static List<String> concat(List<String> head, String last) {
        List<String> out = new ArrayList<>(head);
        out.add(last);
        return out;
    }

    private static final Map<String, Integer> KNOWN = known();

    private static Map<String, Integer> known() {
        Map<String, Integer> m = new HashMap<>();
        for (int c = 0; c < CocoClasses.NAMES.size(); c++) {
            m.put(CocoClasses.NAMES.get(c), c);
            m.put(CocoClasses.NAMES.get(c).replace(" ", ""), c);
        }
        SYNONYMS.forEach((word, name) -> m.put(word, CocoClasses.indexOf(name)));
        return Map.copyOf(m);
    }

    private static int known(String form) {
        return KNOWN.getOrDefault(form, -1);
    }

    /** English plural to singular for regular nouns; other words unchanged. */
    static String singular(String w) {
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 4 && (w.endsWith("ches") || w.endsWith("shes") || w.endsWith("xes") || w.endsWith("sses"))) {
            return w.substring(0, w.length() - 2);
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    private static Map<String, Choice> choiceWords() {
        Map<String, Choice> m = new HashMap<>();
        for (String w : List.of("lower", "lowest", "bottom")) {
            m.put(w, Choice.LOWER);
        }
        for (String w : List.of("upper", "top", "higher", "highest", "uppermost")) {
            m.put(w, Choice.UPPER);
        }
        for (String w : List.of("left", "leftmost")) {
            m.put(w, Choice.LEFT);
        }
        for (String w : List.of("right", "rightmost")) {
            m.put(w, Choice.RIGHT);
        }
        for (String w : List.of("bigger", "biggest", "larger", "largest")) {
            m.put(w, Choice.BIGGER);
        }
        for (String w : List.of("smaller", "smallest")) {
            m.put(w, Choice.SMALLER);
        }
        for (String w : List.of("middle", "center", "centre", "central")) {
            m.put(w, Choice.MIDDLE);
        }
        return Map.copyOf(m);
    }
}
