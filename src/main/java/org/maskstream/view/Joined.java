package org.maskstream.view;

import org.maskstream.avro.MaskResult;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.model.Overlay;

import java.awt.image.BufferedImage;
import java.util.Arrays;

import static org.maskstream.events.AvroCodec.bytes;

/**
 * A result with its request's photo, true mask and instruction, joined by id ({@link RequestJoin}); the request
 * parts are null when the request was not seen.
 */
public record Joined(MaskResult result, byte[] photo, byte[] truth, String instruction) {

    /**
     * The photo (mid-gray when its request was not seen) with the predicted mask tinted and the true mask outlined
     * ({@link Overlay#of}). A photo or true mask that does not decode or has another size than the result is left
     * out rather than failing: the job already sent such requests to the dead letters, so this only happens when
     * the topics disagree.
     *
     * @throws IllegalArgumentException when the result's own mask is not a readable image
     */
    public BufferedImage picture() {
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
