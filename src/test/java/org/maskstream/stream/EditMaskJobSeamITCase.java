package org.maskstream.stream;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.ModelRef;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.RawRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The job's logic through its own seam, {@link EditMaskJob#build}: an in-memory source of raw records (Flink's
 * {@link DataGeneratorSource}), collecting sinks and a fake model loader, on a MiniCluster, without Kafka. What needs
 * Kafka (transactions, exactly-once, kcat, schema evolution on the wire) stays in {@code EditMaskJobITCase}.
 */
class EditMaskJobSeamITCase {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final AvroCodec<EditRequest> REQUESTS = AvroCodec.of(EditRequest.class);
    private static final String BREAKS_THE_MODEL = "an instruction that breaks the model";
    private static final String TOPIC = "edit-requests";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = StreamTestCluster.create();

    /** The left-half model (version v1); it fails every batch holding {@link #BREAKS_THE_MODEL}. */
    private static final ModelLoader FAKE_MODELS = ref -> new LeftHalfModel(BREAKS_THE_MODEL, false);
    private static final ModelRef FAKE_MODEL = ModelRef.newBuilder().setVersion("v1").setUri("/models/fake").build();

    private record Outputs(List<MaskResult> results, List<IouMetric> iou, List<DeadLetter> deadLetters) {
    }

    private static Outputs run(List<Map.Entry<String, byte[]>> records, Map<StreamConfig.Key, Object> extra)
            throws Exception {
        StreamConfig.Builder builder = StreamConfig.builder()
                .set(StreamConfig.Key.BATCH_SIZE, 8).set(StreamConfig.Key.WINDOW_MS, 10_000);
        extra.forEach(builder::set);
        StreamConfig config = builder.build();
        byte[][] keys = records.stream().map(e -> e.getKey().getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        byte[][] values = records.stream().map(Map.Entry::getValue).toArray(byte[][]::new);
        DataGeneratorSource<RawRecord> source = new DataGeneratorSource<>(
                i -> new RawRecord(keys[i.intValue()], values[i.intValue()], TOPIC, 0, i, 0),
                records.size(), TypeInformation.of(RawRecord.class));
        CollectingSink<MaskResult> masks = new CollectingSink<>();
        CollectingSink<IouMetric> iou = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        EditMaskJob.configure(env, config);
        EditMaskJob.build(env, config, source, null, masks, iou, deadLetters, FAKE_MODEL, FAKE_MODELS);
        env.execute("edit-mask-job-seam-test");
        return new Outputs(masks.collected(), iou.collected(), deadLetters.collected());
    }

    private static Map.Entry<String, byte[]> request(EditRequest req) {
        return Map.entry(req.getId(), REQUESTS.encode(req));
    }

    @Test
    void eachGoodRequestHasOneResultAndEachPoisonInputOneDeadLetterOfItsKind() throws Exception {
        Map<String, DeadLetterKind> poison = new LinkedHashMap<>();
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        Set<String> good = new TreeSet<>();
        Random rnd = new Random(7);
        for (int i = 0; i < 40; i++) {
            records.add(request(TestRequests.request("good-" + i, i, i % 2 == 0, T0.plusMillis(i))));
            good.add("good-" + i);
            EditRequest req = TestRequests.request("poison-" + i, i, i % 4 == 0, T0);
            byte[] png = AvroCodec.bytes(req.getImage());
            DeadLetterKind kind;
            switch (i) {
                case 3 -> {
                    byte[] garbage = new byte[200];
                    rnd.nextBytes(garbage);
                    records.add(Map.entry(req.getId(), garbage));
                    poison.put(req.getId(), DeadLetterKind.UNDECODABLE);
                    continue;
                }
                case 8 -> {
                    req.setImage(ByteBuffer.wrap(Arrays.copyOf(png, png.length / 2)));
                    kind = DeadLetterKind.BAD_IMAGE;
                }
                case 10 -> {
                    // header and end marker intact: only decoding the pixels finds it, in the inference batch
                    Arrays.fill(png, 60, png.length - 20, (byte) 0x5a);
                    req.setImage(ByteBuffer.wrap(png));
                    kind = DeadLetterKind.BAD_IMAGE;
                }
                case 12 -> {
                    req.setImage(ByteBuffer.wrap(new byte[2_000]));
                    kind = DeadLetterKind.BAD_IMAGE;
                }
                case 17 -> {
                    req.setInstruction(" ");
                    kind = DeadLetterKind.BAD_INSTRUCTION;
                }
                case 21 -> {
                    req.setGroundTruthMask(ByteBuffer.wrap(Images.encodePng(Mask.empty(16, 16).toImage())));
                    kind = DeadLetterKind.BAD_MASK;
                }
                case 28 -> {
                    req.setInstruction(BREAKS_THE_MODEL);
                    kind = DeadLetterKind.INFERENCE_FAILED;
                }
                default -> {
                    continue;
                }
            }
            records.add(request(req));
            poison.put(req.getId(), kind);
        }
        Map<String, byte[]> sent = new HashMap<>();
        records.forEach(e -> sent.put(e.getKey(), e.getValue()));
        long decodedBefore = DecodedRequest.DECODED.sum();

        Outputs out = run(records, Map.of(StreamConfig.Key.MAX_IMAGE_BYTES, 100_000));

        Map<String, Integer> resultsPerId = new HashMap<>();
        out.results().forEach(r -> resultsPerId.merge(r.getId(), 1, Integer::sum));
        assertEquals(good, new TreeSet<>(resultsPerId.keySet()));
        resultsPerId.forEach((id, n) -> assertEquals(1, n, id + " has " + n + " results"));
        Map<String, DeadLetterKind> refused = new LinkedHashMap<>();
        for (DeadLetter d : out.deadLetters()) {
            String key = new String(AvroCodec.bytes(d.getKey()), StandardCharsets.UTF_8);
            assertNull(refused.put(key, d.getKind()), "two dead letters for " + key);
            assertArrayEquals(sent.get(key), AvroCodec.bytes(d.getValue()), "original bytes of " + key);
            assertEquals(TOPIC, d.getTopic());
        }
        assertEquals(poison, refused);

        // every image and mask that reached inference was decoded once; the batch with the breaking request was
        // run again request by request without decoding again
        long labeledGood = out.results().stream().filter(r -> r.getPixelCounts() != null).count();
        long reachedInference = good.size() + 2;  // the corrupt-body image and the breaking instruction
        long theirMasks = labeledGood + (10 % 4 == 0 ? 1 : 0) + (28 % 4 == 0 ? 1 : 0);
        assertEquals(reachedInference + theirMasks, DecodedRequest.DECODED.sum() - decodedBefore,
                "decodes of " + reachedInference + " images and " + theirMasks + " masks");
    }

    @Test
    void windowsPerModelVersionCountEveryLabeledResultOnce() throws Exception {
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            records.add(request(TestRequests.request("r-" + i, i, i % 3 != 0, T0.plusSeconds(i / 2))));
        }

        Outputs out = run(records, Map.of());

        assertEquals(60, out.results().size());
        List<MaskResult> labeled = out.results().stream().filter(r -> r.getPixelCounts() != null).toList();
        assertEquals(40, labeled.size());
        assertEquals(40, out.iou().stream().mapToLong(IouMetric::getCount).sum(), "window counts: " + out.iou());
        assertEquals(Set.of("v1"), Set.copyOf(out.results().stream().map(MaskResult::getModelVersion).toList()));
        assertEquals(Set.of("v1"), Set.copyOf(out.iou().stream().map(IouMetric::getModelVersion).toList()));
    }
}
