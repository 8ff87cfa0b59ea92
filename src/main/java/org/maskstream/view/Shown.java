package org.maskstream.view;

import org.maskstream.avro.MaskResult;
import org.maskstream.data.Images;

import java.awt.image.BufferedImage;

/**
 * A result on the page with the bytes its pictures are drawn from ({@link Joined#picture}), at full size and as a
 * thumbnail. Drawn on first request and kept,
 * so a result that streams past unseen costs no PNG encoding.
 */
public final class Shown {
    /** Longest side of a thumbnail; smaller pictures are sent as they are (the page scales them up). */
    static final int THUMB = 192;

    private final long seq;
    private final Joined joined;
    private byte[] full;
    private byte[] thumb;

    Shown(long seq, Joined joined) {
        this.seq = seq;
        this.joined = joined;
    }

    long seq() {
        return seq;
    }

    ViewState.ResultCard card() {
        MaskResult result = joined.result();
        return new ViewState.ResultCard(seq, result.getId(), joined.instruction(), result.getIou(),
                result.getModelVersion(), result.getLatencyMs(), result.getEventTime().toEpochMilli(),
                result.getWidth(), result.getHeight(), joined.photo() != null, result.getIou() != null);
    }

    /** The full-size picture, PNG. */
    public synchronized byte[] full() {
        if (full == null) {
            full = Images.encodePng(joined.picture());
        }
        return full;
    }

    /** The picture scaled to at most {@link #THUMB} pixels on its longer side, PNG. */
    public synchronized byte[] thumb() {
        if (thumb == null) {
            BufferedImage picture = joined.picture();
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
}
