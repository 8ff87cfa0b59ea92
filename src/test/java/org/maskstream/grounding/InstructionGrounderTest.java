package org.maskstream.grounding;

import org.junit.jupiter.api.Test;
import org.maskstream.grounding.InstructionGrounder.Choice;
import org.maskstream.grounding.InstructionGrounder.Grounding;
import org.maskstream.grounding.InstructionGrounder.Kind;
import org.maskstream.model.FrozenTextModel;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Phrasings written for this test, none from the MagicBrush sample. */
class InstructionGrounderTest {
    private static final InstructionGrounder RULES = new InstructionGrounder(ClassMatcher.NONE);

    private static void assertGrounds(InstructionGrounder g, String instruction, Kind kind, Choice choice,
                                      String... classes) {
        Grounding got = g.ground(instruction);
        assertEquals(new Grounding(kind, List.of(classes).stream().map(CocoClasses::indexOf).toList(), choice), got,
                instruction);
    }

    @Test
    void theFirstNamedObjectIsTheTargetAndWhatItBecomesIsNot() {
        assertGrounds(RULES, "swap the bicycle for a motorcycle", Kind.CHANGE, Choice.BEST, "bicycle");
        assertGrounds(RULES, "Could the bus become a train?", Kind.CHANGE, Choice.BEST, "bus");
        assertGrounds(RULES, "erase the puppy", Kind.REMOVE, Choice.BEST, "dog");
        assertGrounds(RULES, "Take away the fridge and the stove, then put a sink there", Kind.REMOVE, Choice.BEST,
                "refrigerator", "oven");
    }

    @Test
    void multiWordClassesPluralsAndPeopleWords() {
        assertGrounds(RULES, "make the wine glasses empty", Kind.CHANGE, Choice.ALL, "wine glass");
        assertGrounds(RULES, "paint the two cats orange", Kind.CHANGE, Choice.ALL, "cat");
        assertGrounds(RULES, "give every woman a hat", Kind.CHANGE, Choice.ALL, "person");
        assertGrounds(RULES, "the boy should hold a kite", Kind.CHANGE, Choice.BEST, "person");
        assertGrounds(RULES, "turn the traffic light green", Kind.CHANGE, Choice.BEST, "traffic light");
        assertGrounds(RULES, "make the bag all black", Kind.CHANGE, Choice.BEST, "handbag");
    }

    @Test
    void superlativesPickAnInstance() {
        assertGrounds(RULES, "recolour the smallest bird", Kind.CHANGE, Choice.SMALLER, "bird");
        assertGrounds(RULES, "the rightmost horse should be a zebra", Kind.CHANGE, Choice.RIGHT, "horse");
        assertGrounds(RULES, "delete the top clock", Kind.REMOVE, Choice.UPPER, "clock");
        assertGrounds(RULES, "make the larger elephant grey", Kind.CHANGE, Choice.BIGGER, "elephant");
    }

    @Test
    void anAddedObjectIsNotInThePhotoSoThePlaceIsTheTarget() {
        assertGrounds(RULES, "add a vase on the dining table", Kind.ADD, Choice.BEST, "dining table");
        assertGrounds(RULES, "put a cat next to the couch", Kind.ADD, Choice.BEST, "couch");
        assertGrounds(RULES, "add a rainbow in the sky", Kind.ADD, Choice.BEST);
        assertGrounds(RULES, "insert a bird", Kind.ADD, Choice.BEST);
    }

    @Test
    void theEncoderGroundsWordsTheTableLacksAndNotSceneWords() {
        InstructionGrounder lm = new InstructionGrounder(new MiniLmClassMatcher(FrozenTextModel.minilm()));
        assertGrounds(lm, "turn the automobile into a boat", Kind.CHANGE, Choice.BEST, "car");
        assertGrounds(lm, "put sunglasses on the kitty", Kind.ADD, Choice.BEST, "cat");
        assertGrounds(lm, "make the sky orange", Kind.CHANGE, Choice.BEST);
        assertGrounds(lm, "change the road to sand", Kind.CHANGE, Choice.BEST);
    }

    private static Detection det(String label, float score, double x0, double y0, double x1, double y1) {
        return new Detection(CocoClasses.indexOf(label), score, new Box(x0, y0, x1, y1));
    }

    @Test
    void selectionAmongDetections() {
        Detection upper = det("dog", 0.9f, 0, 0, 10, 10);
        Detection lowerBig = det("dog", 0.5f, 0, 50, 40, 90);
        Detection cat = det("cat", 0.95f, 20, 20, 30, 30);
        List<Detection> all = List.of(upper, lowerBig, cat);
        int dog = CocoClasses.indexOf("dog");
        assertEquals(List.of(upper), InstructionGrounder.select(new Grounding(Kind.CHANGE, List.of(dog),
                Choice.BEST), all, 0.3));
        assertEquals(List.of(lowerBig), InstructionGrounder.select(new Grounding(Kind.CHANGE, List.of(dog),
                Choice.LOWER), all, 0.3));
        assertEquals(List.of(lowerBig), InstructionGrounder.select(new Grounding(Kind.CHANGE, List.of(dog),
                Choice.BIGGER), all, 0.3));
        assertEquals(List.of(upper, lowerBig), InstructionGrounder.select(new Grounding(Kind.CHANGE, List.of(dog),
                Choice.ALL), all, 0.3));
        assertEquals(List.of(), InstructionGrounder.select(new Grounding(Kind.CHANGE, List.of(), Choice.BEST), all,
                0.3));
        // Only the surer dog counts for "all" above 0.6; one pick per named class; a weak box when none is sure.
        assertEquals(List.of(upper), InstructionGrounder.select(new Grounding(Kind.CHANGE, List.of(dog),
                Choice.ALL), all, 0.6));
        assertEquals(List.of(cat, upper), InstructionGrounder.select(new Grounding(Kind.REMOVE,
                List.of(dog, CocoClasses.indexOf("cat")), Choice.BEST), all, 0.3));
        assertEquals(List.of(upper), InstructionGrounder.select(new Grounding(Kind.CHANGE, List.of(dog),
                Choice.LOWER), all, 0.95));
    }

    @Test
    void thePriorMapHoldsTheBestScoreOfTheBoxesCoveringEachPixel() {
        float[] m = DetectorPrior.map(4, 2, List.of(det("dog", 0.5f, 0, 0, 2, 2), det("dog", 0.8f, 1.2, 0, 3, 1)));
        assertArrayEquals(new float[]{0.5f, 0.8f, 0.8f, 0f, 0.5f, 0.5f, 0f, 0f}, m);
    }
}
