package org.maskstream.view;

import static org.maskstream.stream.DecodeRequests.bytes;

import org.maskstream.avro.MaskResult;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.model.Overlay;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * A result on the page with the bytes its pictures are drawn from: the photo with the predicted mask tinted and
 * the true mask outlined ({@link Overlay#of}), at full size and as a thumbnail. Drawn on first request and kept,
 * so a result that streams past unseen costs no PNG encoding.
 */
public final class Shown {
    /** Longest side of a thumbnail; smaller pictures are sent as they are (the page scales them up). */
    static final int THUMB = 192;

    private final long seq;
    private final MaskResult result;
    private final byte[] photo;
    private final byte[] truth;
    private final String instruction;
    private byte[] full;
    private byte[] thumb;

    Shown(long seq, MaskResult result, byte[] photo, byte[] truth, String instruction) {
        this.seq = seq;
        this.result = result;
        this.photo = photo;
        this.truth = truth;
        this.instruction = instruction;
    }

    long seq() {
        return seq;
    }

    ViewState.ResultCard card() {
        return new ViewState.ResultCard(seq, result.getId(), instruction, result.getIou(), result.getModelVersion(),
                result.getLatencyMs(), result.getEventTime().toEpochMilli(), result.getWidth(), result.getHeight(),
                photo != null, result.getIou() != null);
    }

    /** The full-size picture, PNG. */
    public synchronized byte[] full() {
        if (full == null) {
            full = Images.encodePng(draw());
        }
        return full;
    }

    /** The picture scaled to at most {@link #THUMB} pixels on its longer side, PNG. */
    public synchronized byte[] thumb() {
        if (thumb == null) {
            BufferedImage picture = draw();
            int longer = Math.max(picture.getWidth(), picture.getHeight());
            if (longer <= THUMB) {
                thumb = full();
            } else {
                int w = Math.max(1, picture.getWidth() * THUMB / longer);
                int h = Math.max(1, picture.getHeight() * THUMB / longer);
                thumb = Images.encodePng(Images.resize(picture, w, h));
            }
        }
        return thumb;
    }

    /**
     * The photo (mid-gray when its request was not read) with the masks over it. A photo or true mask that does not
     * decode or has another size than the result is left out rather than failing the page: the job already sent
     * such requests to the dead letters, so this only happens when the topics disagree.
     */
    private BufferedImage draw() {
        Mask predicted = Mask.fromImage(Images.decode(bytes(result.getMask())));
        BufferedImage base = photo == null ? null : decodeAt(photo, predicted);
        if (base == null) {
            base = new BufferedImage(predicted.width(), predicted.height(), BufferedImage.TYPE_INT_RGB);
            int[] gray = new int[predicted.width() * predicted.height()];
            Arrays.fill(gray, 0x808080);
            base.setRGB(0, 0, predicted.width(), predicted.height(), gray, 0, predicted.width());
        }
        BufferedImage trueMask = truth == null ? null : decodeAt(truth, predicted);
        return Overlay.of(base, predicted, trueMask == null ? null : Mask.fromImage(trueMask));
    }

    private static BufferedImage decodeAt(byte[] bytes, Mask size) {
        try {
            BufferedImage image = Images.decode(bytes);
            return image.getWidth() == size.width() && image.getHeight() == size.height() ? image : null;
        } catch (IllegalArgumentException unreadable) {
            return null;
        }
    }
}
