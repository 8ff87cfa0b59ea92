package org.maskstream.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class FrozenTextEncoderTest {

    @Test
    void aSwappedInModelReusesTheStatesAnotherEncoded() {
        String instruction = "paint the star on the left cherry";
        TextEncoder.EncodedText first = FrozenTextEncoder.of(FrozenTextEncoder.MINILM_ID, 16, 32).prepare(instruction);
        TextEncoder.EncodedText again = FrozenTextEncoder.of(FrozenTextEncoder.MINILM_ID, 16, 64).prepare(instruction);
        assertSame(first.features(), again.features(), "the frozen states do not depend on the adapter");
        TextEncoder.EncodedText shorter = FrozenTextEncoder.of(FrozenTextEncoder.MINILM_ID, 8, 32).prepare(instruction);
        assertNotSame(first.features(), shorter.features());
        assertEquals(8 * FrozenTextModel.DIM, shorter.features().length);
        TextEncoder.EncodedText e5 = FrozenTextEncoder.of(FrozenTextEncoder.E5_SMALL_ID, 16, 32).prepare(instruction);
        assertNotSame(first.features(), e5.features(), "other weights, other states");
        assertEquals(first.features().length, e5.features().length);
    }

    @Test
    void aClearedCacheEncodesAgainToTheSameStates() {
        String instruction = "turn the triangle below the ring gold";
        FrozenTextEncoder encoder = FrozenTextEncoder.of(FrozenTextEncoder.E5_SMALL_ID, 16, 32);
        TextEncoder.EncodedText first = encoder.prepare(instruction);
        FrozenTextEncoder.clearCache();
        TextEncoder.EncodedText again = encoder.prepare(instruction);
        assertNotSame(first.features(), again.features(), "encoded anew, as in a fresh process");
        assertArrayEquals(first.features(), again.features(), 1e-5f);
    }

    @Test
    void unknownIdsHaveNoEncoder() {
        assertNull(FrozenTextEncoder.of("bert", 16, 32));
    }

    @Test
    void batchedPreparationMatchesOneByOne() {
        FrozenTextEncoder encoder = FrozenTextEncoder.of(FrozenTextEncoder.MINILM_ID, 12, 16);
        List<String> sentences = List.of("remove the blue square", "give the smallest circle a hat",
                "remove the blue square");
        List<TextEncoder.EncodedText> batch = encoder.prepareAll(sentences);
        assertSame(batch.get(0), batch.get(2));
        float[] alone = FrozenTextModel.minilm().encode(List.of(sentences.get(1)), 12).states();
        float[] padded = new float[12 * FrozenTextModel.DIM];
        System.arraycopy(alone, 0, padded, 0, alone.length);
        assertArrayEquals(padded, batch.get(1).features(), 1e-4f);
    }
}
