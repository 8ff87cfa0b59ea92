package org.maskstream.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VocabularyTest {
    @Test
    void wordsAreSortedAfterPaddingAndUnknownAndUnseenWordsAreUnknown() {
        Vocabulary v = Vocabulary.build(List.of("Remove the red circle!", "the blue  square"));
        assertEquals(List.of("<pad>", "<unk>", "blue", "circle", "red", "remove", "square", "the"), v.words());
        assertArrayEquals(new int[] {7, 2, 1, 0, 0}, v.encode("THE blue triangle", 5));
        assertArrayEquals(new int[] {5, 7}, v.encode("remove the red circle", 2));
        assertArrayEquals(new int[] {1, 0}, v.encode(" ?! ", 2));
    }

    @Test
    void aListThatIsNotAVocabularyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Vocabulary(List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> new Vocabulary(List.of("<pad>", "<unk>", "a", "a")));
    }
}
