package org.maskstream.view;

import org.junit.jupiter.api.Test;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.model.Overlay;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ViewStateTest {
    private static final int SIZE = 8;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static ViewState.Limits limits(int results, long photoBytes, int pending) {
        return new ViewState.Limits(results, photoBytes, pending, 3, 2, 2, 10);
    }

    private static EditRequest request(String id, int rgb) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return EditRequest.newBuilder().setId(id).setEventTime(T0).setInstruction("paint " + id)
                .setImage(ByteBuffer.wrap(Images.encodePng(image))).build();
    }

    private static MaskResult result(String id, String version, long latency) {
        boolean[] px = new boolean[SIZE * SIZE];
        px[0] = true;
        return MaskResult.newBuilder().setId(id).setEventTime(T0).setModelVersion(version)
                .setMask(ByteBuffer.wrap(Images.encodePng(new Mask(SIZE, SIZE, px).toImage()))).setWidth(SIZE)
                .setHeight(SIZE).setCoverage(1.0 / (SIZE * SIZE)).setMeanConfidence(0.9).setIou(0.5)
                .setLatencyMs(latency).setAttributes(Map.of()).build();
    }

    @Test
    void resultsJoinTheirPhotoWhicheverComesFirst() {
        ViewState state = new ViewState(limits(10, 1 << 20, 10));
        state.onRequest(request("a", 0x102030));
        state.onResult(result("a", "v1", 5), 0);
        state.onResult(result("b", "v1", 5), 0);
        assertEquals(1, state.snapshot(0).latest().size(), "b waits for its request");
        state.onRequest(request("b", 0x405060));
        List<ViewState.ResultCard> cards = state.snapshot(0).latest();
        assertEquals(List.of("b", "a"), cards.stream().map(ViewState.ResultCard::id).toList());
        assertTrue(cards.stream().allMatch(ViewState.ResultCard::photo));
        assertEquals("paint b", cards.get(0).instruction());

        // the picture: the photo, its masked pixel tinted
        BufferedImage picture = Images.decode(state.shown(cards.get(0).seq()).full());
        assertEquals(0x405060, picture.getRGB(1, 0) & 0xFFFFFF);
        assertEquals(Overlay.tint(Images.decode(Images.encodePng(solid(0x405060))), new Mask(SIZE, SIZE,
                pixel0())).getRGB(0, 0), picture.getRGB(0, 0));
    }

    private static BufferedImage solid(int rgb) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    private static boolean[] pixel0() {
        boolean[] px = new boolean[SIZE * SIZE];
        px[0] = true;
        return px;
    }

    @Test
    void everyPartIsBounded() {
        long lastTwo = request("r3", 3).getImage().remaining() + request("r4", 4).getImage().remaining();
        ViewState state = new ViewState(limits(3, lastTwo, 2));
        for (int i = 0; i < 5; i++) {
            state.onRequest(request("r" + i, i));
        }
        // only the last two photos are kept: r0..r2 come out without one, once pushed out of the pending cache
        for (int i = 0; i < 5; i++) {
            state.onResult(result("r" + i, "v1", i), 0);
        }
        ViewState.Snapshot s = state.snapshot(0);
        assertEquals(List.of("r4", "r3"), s.latest().stream().filter(ViewState.ResultCard::photo)
                .map(ViewState.ResultCard::id).toList());
        assertEquals(3, s.latest().size());
        assertEquals(1, s.resultsWithoutPhoto(), "r0 was pushed out of the pending cache; r1, r2 still wait");
        assertEquals("r0", state.shown(0).card().id());
        state.onRequest(request("r5", 5));
        state.onResult(result("r5", "v1", 5), 0);
        assertNull(state.shown(0), "the first shown result fell out of the last 3");
        assertEquals(3, state.snapshot(0).latest().size());

        // versions one after the other, as hot-swaps bring them: the oldest series goes
        for (String v : List.of("v1", "v2", "v3")) {
            for (int w = 0; w < 5; w++) {
                state.onIou(new IouMetric(T0.plusSeconds(w), T0.plusSeconds(w + 1), v, 4L, 0.5, 0.5, 0.1, 0.5, 0.9));
            }
        }
        Map<String, List<ViewState.IouPoint>> iou = state.snapshot(0).iou();
        assertEquals(List.of("v2", "v3"), List.copyOf(iou.keySet()));
        assertEquals(3, iou.get("v3").size());
        assertEquals(T0.plusSeconds(5).toEpochMilli(), iou.get("v3").get(2).t());

        for (int i = 0; i < 4; i++) {
            state.onDeadLetter(DeadLetter.newBuilder().setKind(DeadLetterKind.BAD_IMAGE).setReason("bad " + i)
                    .setTopic("t").setPartition(0).setOffset(i).setTime(T0).build());
        }
        ViewState.DeadLetterGroup bad = state.snapshot(0).deadLetters().get("BAD_IMAGE");
        assertEquals(4, bad.count());
        assertEquals(List.of("bad 3", "bad 2"), bad.latest().stream().map(ViewState.DeadLetterLine::reason).toList());
    }

    @Test
    void throughputCountsTheLastTenWholeSecondsAndLatencyQuantilesTheLastResults() {
        ViewState state = new ViewState(limits(1, 0, 0));
        assertNull(state.snapshot(0).p50LatencyMs());
        for (int i = 1; i <= 100; i++) {
            state.onResult(result("r" + i, "v1", i), 20_000 + (i % 10) * 1000);
        }
        ViewState.Snapshot s = state.snapshot(30_000);
        assertEquals(10.0, s.resultsPerSecond(), 1e-9);
        assertEquals(51L, s.p50LatencyMs());
        assertEquals(100L, s.p99LatencyMs());
        assertEquals(0.0, state.snapshot(45_000).resultsPerSecond(), 1e-9, "nothing in the last ten seconds");
        assertEquals("v1", s.serving());
        // the first result of a version opens it on the timeline
        assertEquals(List.of("serving"), s.timeline().stream().map(ViewState.TimelineEvent::type).toList());
        assertFalse(s.latest().get(0).photo());
    }
}
