package org.maskstream.model;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContactSheetTest {
    @Test
    void keepsTheBestAndWorstInOrderWhateverTheArrivalOrder() {
        ContactSheet sheet = new ContactSheet(3, 32);
        BufferedImage picture = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
        for (int i : new int[] {5, 0, 9, 3, 7, 1, 8, 2, 6, 4}) {
            sheet.add("e" + i, i / 10.0, picture);
        }
        sheet.add("tie", 0.9, picture); // ties with e9 go by id: "e9" < "tie"
        assertEquals(List.of("tie", "e9", "e8"), sheet.bestIds());
        assertEquals(List.of("e0", "e1", "e2"), sheet.worstIds());
        BufferedImage rendered = sheet.render("fg IoU");
        assertEquals(3 * (32 + 8) + 8, rendered.getWidth());
        assertEquals(2 * 26 + 2 * (32 + 30), rendered.getHeight());
        assertThrows(IllegalArgumentException.class, () -> sheet.add("nan", Double.NaN, picture));
    }
}
