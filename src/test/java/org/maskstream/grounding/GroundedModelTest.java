package org.maskstream.grounding;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.data.Example;
import org.maskstream.data.Mask;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A saved grounded network, loaded as every model is ({@link SavedModel#load}), with the real COCO detector. */
class GroundedModelTest {
    @TempDir
    Path dir;

    private static Mask mask(MaskModel model, float[] probabilities, Example e) {
        return Mask.fromProbabilities(model.inputSize(), model.inputSize(), probabilities, model.threshold())
                .resize(e.image().getWidth(), e.image().getHeight());
    }

    @Test
    void theUntrainedNetworkFollowsTheDetectorsBoxOfTheNamedObjectAndTheWholeImageWithoutOne() {
        GroundedFixture.assumeDetectorAndSample();
        Example sign = GroundedFixture.photos().stream().filter(e -> e.id().equals("mb-e008")).findFirst()
                .orElseThrow();
        try (MaskModel model = SavedModel.load(GroundedFixture.save(dir))) {
            List<float[]> out = model.predict(List.of(sign.image(), sign.image()),
                    List.of(sign.instruction(), "make the sky a little more purple"));
            Mask named = mask(model, out.get(0), sign);
            Mask prior = DetectorPrior.open(CocoDetectorTest.FOLDER).predict(List.of(sign)).get(0).mask();
            double agreement = named.iouCounts(prior).fgIou();
            assertTrue(agreement > 0.8, "the stop sign's mask should be the detector's box, IoU " + agreement);
            assertTrue(named.iouCounts(sign.mask()).fgIou() > 0.5, "and overlap the labeled stop sign");
            // "sky" is no COCO class: an empty prior, and the empty-map flag starts as "the whole image"
            Mask unnamed = mask(model, out.get(1), sign);
            double coverage = (double) unnamed.area() / (unnamed.width() * unnamed.height());
            assertTrue(coverage > 0.9, "coverage without a named object: " + coverage);
        }
    }

    @Test
    void aPriorSourceNoFactoryKnowsIsRefusedWhenTheFolderLoads() throws Exception {
        GroundedFixture.save(dir);
        Path config = dir.resolve(SavedModel.CONFIG);
        Files.writeString(config, Files.readString(config).replace(GroundedFixture.priorId(), "radar:/nowhere"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedModel.load(dir));
        assertTrue(e.getMessage().contains("no prior source accepts 'radar:/nowhere'"), e.getMessage());
    }

    @Test
    void aMissingDetectorFolderIsRefusedWhenTheFolderLoadsWithWhereToGetIt() throws Exception {
        GroundedFixture.save(dir);
        Path config = dir.resolve(SavedModel.CONFIG);
        Path absent = dir.resolve("no-detector-here").toAbsolutePath();
        Files.writeString(config, Files.readString(config).replace(GroundedFixture.priorId(),
                DetectorPrior.ID_PREFIX + absent));
        MissingDetectorException e = assertThrows(MissingDetectorException.class, () -> SavedModel.load(dir));
        assertTrue(e.getMessage().contains(absent.toString()) && e.getMessage().contains(CocoDetector.SOURCE),
                e.getMessage());
    }

    @Test
    void userFormsOfThePriorIdResolveToAnAbsoluteDetectorFolder() {
        assertEquals(DetectorPrior.ID_PREFIX + Path.of("x/y").toAbsolutePath().normalize(),
                DetectorPrior.resolveId("coco-detector:x/y"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DetectorPrior.resolveId("yolo"));
        assertTrue(e.getMessage().contains("use coco-detector or coco-detector:FOLDER"), e.getMessage());
    }
}
