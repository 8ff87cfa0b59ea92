package org.maskstream.data;

import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.avro.EditRequest;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatheredStoreTest {

    @TempDir
    Path store;

    @Test
    void readsCommittedPartFilesOfEveryBucketAndSkipsFilesInProgress() throws IOException {
        write(store.resolve("2026-01-01--10/part-a-0.avro"), request("r1", 3), request("r2", 5));
        write(store.resolve("2026-01-01--11/part-a-1.avro"), request("r3", 7));
        // in progress or pending a checkpoint: not committed, must not be read
        write(store.resolve("2026-01-01--11/.part-a-2.avro.inprogress.1234"), request("r4", 6));
        Files.writeString(store.resolve("2026-01-01--11/_SUCCESS"), "");

        assertTrue(GatheredStore.isStore(store));
        Dataset d = DatasetReader.read(store, false);
        assertEquals(List.of("r1", "r2", "r3"), d.examples().stream().map(Example::id).toList());
        Example r2 = d.examples().get(1);
        assertEquals("paint square 5", r2.instruction());
        assertEquals(8, r2.image().getWidth());
        assertArrayEquals(square(5).pixels(), r2.mask().pixels());
        assertEquals(0xFF0000, r2.image().getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void aRepeatedIdOrAnUnlabeledRecordIsAnErrorOrASkippedWarning() throws IOException {
        write(store.resolve("b/part-0.avro"), request("r1", 3), request("r1", 4), unlabeled("r2"));
        DatasetException e = assertThrows(DatasetException.class, () -> GatheredStore.read(store.toUri(), false));
        assertTrue(e.getMessage().contains("repeats id 'r1'"), e.getMessage());

        Dataset d = GatheredStore.read(store.toUri(), true);
        assertEquals(List.of("r1"), d.examples().stream().map(Example::id).toList());
        assertEquals(2, d.skipped());
        assertTrue(d.warnings().get(1).contains("has no ground-truth mask"), d.warnings().toString());
    }

    @Test
    void aManifestFolderIsNotAStore() throws IOException {
        write(store.resolve("part-0.avro"), request("r1", 3));
        Files.writeString(store.resolve(DatasetReader.MANIFEST), "");
        assertFalse(GatheredStore.isStore(store));
        assertFalse(GatheredStore.isStore(store.resolve("missing")));
    }

    private static void write(Path file, EditRequest... requests) throws IOException {
        Files.createDirectories(file.getParent());
        try (DataFileWriter<EditRequest> w = new DataFileWriter<>(new SpecificDatumWriter<>(EditRequest.class))) {
            w.create(EditRequest.getClassSchema(), file.toFile());
            for (EditRequest r : requests) {
                w.append(r);
            }
        }
    }

    private static EditRequest request(String id, int side) {
        return builder(id, side).setGroundTruthMask(ByteBuffer.wrap(Images.encodePng(square(side).toImage()))).build();
    }

    private static EditRequest unlabeled(String id) {
        return builder(id, 2).build();
    }

    private static EditRequest.Builder builder(String id, int side) {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xFF0000);
        return EditRequest.newBuilder().setId(id).setEventTime(Instant.EPOCH)
                .setImage(ByteBuffer.wrap(Images.encodePng(image))).setInstruction("paint square " + side)
                .setAttributes(Map.of());
    }

    /** An 8x8 mask with a {@code side}-pixel square in the corner. */
    private static Mask square(int side) {
        boolean[] px = new boolean[64];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                px[y * 8 + x] = true;
            }
        }
        return new Mask(8, 8, px);
    }
}
