package org.maskstream.stream;

import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.events.AvroCodec;

import java.awt.image.BufferedImage;
import java.util.concurrent.atomic.LongAdder;

/**
 * A request with its image and ground-truth mask decoded: the only place the job decodes pixels. {@code decode}
 * checked each header, size and end marker; the batcher thread decodes each request once here, just before its
 * batch, so only one batch's pixels are held at a time, and a batch that is run again request by request reuses them.
 *
 * @param truth the decoded ground-truth mask, or null for an unlabeled request
 */
record DecodedRequest(InferenceRequest request, BufferedImage image, Mask truth) {

    /** Images and masks decoded since the JVM started: a check that each is decoded once. */
    static final LongAdder DECODED = new LongAdder();

    /** Why a request's image or mask did not decode after its header had passed. */
    static final class Undecodable extends Exception {
        final DeadLetterKind kind;

        Undecodable(DeadLetterKind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }
    }

    static DecodedRequest decode(InferenceRequest request) throws Undecodable {
        BufferedImage image;
        try {
            image = Images.decode(AvroCodec.bytes(request.getRequest().getImage()));
        } catch (RuntimeException e) {
            throw new Undecodable(DeadLetterKind.BAD_IMAGE, "the image cannot be read: " + e.getMessage(), e);
        } finally {
            DECODED.increment();
        }
        Mask truth = null;
        if (request.getRequest().getGroundTruthMask() != null) {
            try {
                truth = Mask.fromImage(Images.decode(AvroCodec.bytes(request.getRequest().getGroundTruthMask())));
            } catch (RuntimeException e) {
                throw new Undecodable(DeadLetterKind.BAD_MASK, "the ground-truth mask cannot be read: "
                        + e.getMessage(), e);
            } finally {
                DECODED.increment();
            }
            if (truth.width() != image.getWidth() || truth.height() != image.getHeight()) {
                throw new Undecodable(DeadLetterKind.BAD_MASK, "the ground-truth mask decodes to " + truth.width()
                        + "x" + truth.height() + " but the image to " + image.getWidth() + "x" + image.getHeight(),
                        null);
            }
        }
        return new DecodedRequest(request, image, truth);
    }
}
