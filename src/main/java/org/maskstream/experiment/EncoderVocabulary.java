package org.maskstream.experiment;

import org.maskstream.data.synth.Phrasing;
import org.maskstream.model.FrozenTextModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Does the frozen text encoder itself know the test-only paraphrase words? Each content word of
 * {@link Phrasing#PARAPHRASE} that names a colour, shape, side or size extreme is put in a carrier sentence, and so
 * is every {@link Phrasing#NORMAL} word of the same category; the word counts as known when the nearest normal
 * sentence (by the encoder's own sentence embedding) means the same. A model that reads the encoder's states can
 * hardly learn, from training words alone, a word the encoder places nearer another meaning: the share known bounds
 * what paraphrase training can reach with this encoder.
 */
final class EncoderVocabulary {
    /** Long enough for every carrier sentence with the e5 prefix. */
    private static final int MAX_TOKENS = 32;

    /** One category: its carrier sentence ({@code %s} for the word) and each word's meaning. */
    private record Category(String name, String carrier, Function<Phrasing, Map<String, ?>> words) {
    }

    private static final List<Category> CATEGORIES = List.of(
            new Category("colour", "remove the %s circle", Phrasing::colourWords),
            new Category("shape", "remove the red %s", Phrasing::shapeWords),
            new Category("side", "remove the %s circle", Phrasing::sideWords),
            new Category("size extreme", "remove the %s circle", Phrasing::extremeWords));

    /**
     * @param wrong each unknown word as {@code "word -> nearest normal word"}
     */
    record Row(String category, String carrier, int words, int known, List<String> wrong) {
        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("category", category);
            m.put("carrier_sentence", carrier);
            m.put("test_words", words);
            m.put("known", known);
            m.put("unknown", wrong);
            return m;
        }
    }

    private EncoderVocabulary() {
    }

    static List<Row> measure(FrozenTextModel encoder) {
        List<Row> rows = new ArrayList<>();
        for (Category c : CATEGORIES) {
            Map<String, ?> train = c.words().apply(Phrasing.NORMAL);
            Map<String, ?> test = c.words().apply(Phrasing.PARAPHRASE);
            List<String> trainWords = List.copyOf(train.keySet());
            float[][] trainEmb = encoder.sentenceEmbeddings(sentences(c, trainWords), MAX_TOKENS);
            List<String> testWords = List.copyOf(test.keySet());
            float[][] testEmb = encoder.sentenceEmbeddings(sentences(c, testWords), MAX_TOKENS);
            int known = 0;
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < testWords.size(); i++) {
                String nearest = trainWords.get(FrozenTextModel.nearest(testEmb[i], trainEmb).index());
                if (train.get(nearest).equals(test.get(testWords.get(i)))) {
                    known++;
                } else {
                    wrong.add(testWords.get(i) + " -> " + nearest);
                }
            }
            rows.add(new Row(c.name(), c.carrier(), testWords.size(), known, List.copyOf(wrong)));
        }
        return rows;
    }

    /** The share of all test words known, over every category. */
    static double knownShare(List<Row> rows) {
        return rows.stream().mapToInt(Row::known).sum() / (double) rows.stream().mapToInt(Row::words).sum();
    }

    static String markdown(String encoderId, List<Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("## Does the text encoder know the paraphrase words?\n\n");
        md.append(String.format(Locale.ROOT, "The frozen `%s` alone, before any training: each test-only word of"
                + " `--phrasing paraphrase` in a carrier sentence, against the same sentence with each of the"
                + " generator's words of its category; the word counts as known when the nearest of those sentences"
                + " (cosine of the encoder's mean-pooled sentence embeddings, the pooling it was trained with) means"
                + " the same. A model reading this encoder's states can hardly learn from training words alone what"
                + " the encoder places nearer another meaning, so this bounds what paraphrase training reaches.%n%n",
                encoderId));
        Markdown table = new Markdown("category", "carrier sentence", "known", "unknown (nearest generator word)");
        for (Row r : rows) {
            table.row(r.category(), "\"" + r.carrier().replace("%s", "...") + "\"", r.known() + " of " + r.words(),
                    String.join(", ", r.wrong()));
        }
        md.append(table).append('\n');
        md.append(String.format(Locale.ROOT, "**The encoder knows %.0f%% of the test-only words.**%n%n",
                100 * knownShare(rows)));
        return md.toString();
    }

    private static List<String> sentences(Category c, List<String> words) {
        return words.stream().map(w -> String.format(Locale.ROOT, c.carrier(), w)).toList();
    }
}
