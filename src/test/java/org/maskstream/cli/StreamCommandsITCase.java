package org.maskstream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.MaskResult;
import org.maskstream.data.Example;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.model.Overlay;
import org.maskstream.events.AvroCodec;
import org.maskstream.stream.EmbeddedKafkaExtension;
import org.maskstream.events.KafkaWiring;
import org.maskstream.demo.RequestProducer;
import org.maskstream.stream.StreamConfig;
import picocli.CommandLine;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code produce} writes a dataset to a real broker and {@code tail} reads it back, one line per record. */
class StreamCommandsITCase {
    private static final Path SAMPLE = Path.of("..", "shared", "data", "magicbrush-sample");

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void produceThenTailTheRequests() {
        assumeTrue(Files.isDirectory(SAMPLE), "../shared/data/magicbrush-sample is absent: skipping");
        String servers = KAFKA.broker().bootstrapServers();
        KAFKA.broker().createTopics(StreamConfig.builder().build(), 1, List.of("cli-requests"));

        CommandLine produce = Main.commandLine();
        assertEquals(0, produce.execute("produce", "--bootstrap-servers", servers, "--data", SAMPLE.toString(),
                "--topic", "cli-requests", "--count", "3", "--rate", "50"));

        StringWriter out = new StringWriter();
        CommandLine tail = Main.commandLine();
        tail.setOut(new PrintWriter(out));
        assertEquals(0, tail.execute("tail", "--bootstrap-servers", servers, "--topic", "cli-requests",
                "--type", "requests", "--from-beginning", "--max", "3"));
        List<String> lines = out.toString().lines().toList();
        assertEquals(3, lines.size(), out.toString());
        lines.forEach(l -> assertTrue(l.contains("labeled=yes") && l.contains("instruction=\""), l));
    }

    /**
     * {@code tail --save-masks} joins each result to its request by id and writes the photo with the predicted mask
     * tinted and the true mask outlined; a result whose request never came is drawn over gray.
     */
    @Test
    void tailSaveMasksWritesEachResultOverItsPhoto(@TempDir Path dir) throws Exception {
        String servers = KAFKA.broker().bootstrapServers();
        StreamConfig config = StreamConfig.builder().bootstrapServers(servers).build();
        KAFKA.broker().createTopics(config, 1, List.of("overlay-requests", "overlay-masks"));
        BufferedImage photo = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 16; i++) {
            photo.setRGB(i % 4, i / 4, 0x336699);
        }
        boolean[] left = new boolean[16];
        for (int i = 0; i < 16; i++) {
            left[i] = i % 4 < 2;
        }
        Mask predicted = new Mask(4, 4, left);
        Mask truth = new Mask(4, 4, left);
        EditRequest request = RequestProducer.toRequest(new Example("a/1", photo, "paint it", truth), "a/1",
                Instant.EPOCH, true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaWiring.byteProducerProperties(config.kafka()))) {
            producer.send(new ProducerRecord<>("overlay-requests", AvroCodec.of(EditRequest.class).encode(request)))
                    .get();
            for (String id : List.of("a/1", "never-requested")) {
                producer.send(new ProducerRecord<>("overlay-masks", AvroCodec.of(MaskResult.class).encode(
                        MaskResult.newBuilder().setId(id).setEventTime(Instant.EPOCH).setModelVersion("v1")
                                .setMask(ByteBuffer.wrap(Images.encodePng(predicted.toImage()))).setWidth(4)
                                .setHeight(4).setCoverage(0.5).setMeanConfidence(0.9).setLatencyMs(1)
                                .setAttributes(Map.of()).build()))).get();
            }
        }

        CommandLine tail = Main.commandLine();
        tail.setOut(new PrintWriter(new StringWriter()));
        assertEquals(0, tail.execute("tail", "--bootstrap-servers", servers, "--topic", "overlay-masks",
                "--requests-topic", "overlay-requests", "--from-beginning", "--max", "2", "--save-masks",
                dir.toString()));
        BufferedImage joined = Images.decode(Files.readAllBytes(dir.resolve("a_1-overlay.png")));
        assertEquals(Overlay.of(photo, predicted, truth).getRGB(0, 1), joined.getRGB(0, 1));
        assertEquals(Overlay.OUTLINE, joined.getRGB(1, 1) & 0xFFFFFF, "the true mask's right edge is outlined");
        assertEquals(0x336699, joined.getRGB(3, 1) & 0xFFFFFF, "outside both masks the photo is unchanged");
        BufferedImage alone = Images.decode(Files.readAllBytes(dir.resolve("never-requested-overlay.png")));
        assertEquals(0x808080, alone.getRGB(3, 1) & 0xFFFFFF, "no photo: gray");
    }
}
