package org.maskstream.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StageTest {
    @Test
    void parsesFieldValueAndEpochs() {
        Stage s = Stage.parse(" reference=position:30 ");
        assertEquals(new Stage("reference", "position", 30), s);
        assertEquals("reference=position:30", s.toString());
        assertEquals(new Stage("objects", "2", 5), Stage.parse("objects=2:5"));
    }

    @Test
    void refusesWhatIsNotFieldValueEpochs() {
        for (String bad : new String[] {"reference=position", "reference:30", "=position:3", "reference=:3",
                "reference=position:x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Stage.parse(bad), bad);
            assertTrue(e.getMessage().contains("is not FIELD=VALUE:EPOCHS"), e.getMessage());
        }
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> Stage.parse("reference=size:0"));
        assertTrue(zero.getMessage().contains("needs at least 1 epoch"), zero.getMessage());
    }
}
