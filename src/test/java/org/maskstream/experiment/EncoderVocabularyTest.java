package org.maskstream.experiment;

import org.junit.jupiter.api.Test;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.model.FrozenTextModel;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frozen e5-small-v2 on the test-only paraphrase words, as the robustness report shows it. */
class EncoderVocabularyTest {

    @Test
    void everyTestWordIsJudgedOnceAgainstTheGeneratorsWordsOfItsCategory() {
        List<EncoderVocabulary.Row> rows = EncoderVocabulary.measure(FrozenTextModel.shared(
                FrozenTextModel.Weights.E5_SMALL));
        assertEquals(List.of("colour", "shape", "side", "size extreme"),
                rows.stream().map(EncoderVocabulary.Row::category).toList());
        assertEquals(List.of(Phrasing.PARAPHRASE.colourWords().size(), Phrasing.PARAPHRASE.shapeWords().size(),
                        Phrasing.PARAPHRASE.sideWords().size(), Phrasing.PARAPHRASE.extremeWords().size()),
                rows.stream().map(EncoderVocabulary.Row::words).toList());
        for (EncoderVocabulary.Row r : rows) {
            assertEquals(r.words() - r.known(), r.wrong().size(), r.toString());
            for (String wrong : r.wrong()) {
                String nearest = wrong.substring(wrong.indexOf(" -> ") + 4);
                assertTrue(Phrasing.NORMAL.vocabulary().contains(nearest), wrong);
            }
        }
        // a word that only adds a suffix to the generator's word must be known; the rest is what the report says
        EncoderVocabulary.Row sides = rows.get(2);
        assertFalse(sides.wrong().stream().anyMatch(w -> w.startsWith("leftmost ")), sides.toString());
        double share = EncoderVocabulary.knownShare(rows);
        assertTrue(share > 0 && share <= 1, "share " + share);
    }
}
