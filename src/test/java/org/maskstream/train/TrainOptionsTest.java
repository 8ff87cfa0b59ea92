package org.maskstream.train;

import org.junit.jupiter.api.Test;
import org.maskstream.model.Decoder;
import org.maskstream.model.FrozenTextEncoder;
import org.maskstream.model.ModelConfig;
import org.maskstream.model.Vocabulary;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainOptionsTest {
    private static final List<String> WORDS = List.of(Vocabulary.PAD, Vocabulary.UNKNOWN, "red");

    @Test
    void theArchitectureIsAModelConfigThatTrainingCompletesWithItsVocabulary() {
        TrainOptions opts = TrainOptions.builder().model(m -> m.inputSize(32).dim(16).heads(2)).epochs(3)
                .model(m -> m.decoder(Decoder.UPCONV)).build();
        assertEquals(ModelConfig.builder().inputSize(32).dim(16).heads(2).decoder(Decoder.UPCONV)
                .textEncoder(FrozenTextEncoder.E5_SMALL_ID).vocabulary(WORDS)
                .build(), opts.modelConfig(WORDS));
        assertEquals(List.of(), opts.model().vocabulary(), "the words come from the training instructions");
        assertEquals(ModelConfig.builder().textEncoder(FrozenTextEncoder.E5_SMALL_ID).architecture(),
                TrainOptions.builder().build().model(), "the defaults are ModelConfig's but for the text encoder");
    }

    @Test
    void describeRecordsEveryArchitectureFieldWithTheTrainingOptions() {
        TrainOptions opts = TrainOptions.builder()
                .model(m -> m.inputSize(32).dim(16).heads(2).prior("coco-detector:/detector")).epochs(3).build();
        Map<String, Object> described = opts.describe();
        @SuppressWarnings("unchecked")
        Map<String, Object> model = (Map<String, Object>) described.get("model");
        Set<String> fields = Arrays.stream(ModelConfig.class.getRecordComponents()).map(RecordComponent::getName)
                .filter(name -> !name.equals("vocabulary") && !name.equals("version")).collect(Collectors.toSet());
        assertEquals(fields, model.keySet(), "a new ModelConfig field is described without touching TrainOptions");
        assertEquals(16, model.get("dim"));
        assertEquals(32, model.get("inputSize"));
        assertEquals("unet", model.get("decoder"));
        assertEquals(3, described.get("epochs"));
        assertEquals("coco-detector:/detector", model.get("prior"));
    }

    @Test
    void aBadArchitectureIsRefusedWhenTheOptionsAreBuiltEvenForAFineTune() {
        for (TrainOptions.Builder b : List.of(TrainOptions.builder(),
                TrainOptions.builder().initFrom(Path.of("/models/any")))) {
            String message = assertThrows(IllegalArgumentException.class, () -> b.model(m -> m.dim(30)).build())
                    .getMessage();
            assertTrue(message.contains("dim must be a positive multiple of 8"), message);
        }
        String message = assertThrows(IllegalArgumentException.class,
                () -> TrainOptions.builder().model(m -> m.inputSize(32)).shift(16).build()).getMessage();
        assertTrue(message.contains("less than half the input size (32)"), message);
    }
}
