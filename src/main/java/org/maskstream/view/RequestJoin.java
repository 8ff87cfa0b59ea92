package org.maskstream.view;

import org.maskstream.avro.EditRequest;
import org.maskstream.avro.MaskResult;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Consumer;

import static org.maskstream.events.AvroCodec.bytes;

/**
 * Joins results to their requests by id in bounded memory, whichever is read first. Requests wait in a cache
 * bounded by bytes (the oldest go first); results wait in one bounded by count, and one pushed out of it is
 * passed on without its photo. Requests almost always come first (a result becomes visible only at the checkpoint
 * after its request), so the request cache need only hold a checkpoint interval of traffic. Not thread-safe.
 */
public final class RequestJoin {
    private record Photo(byte[] image, byte[] truth, String instruction) {
        long bytes() {
            return image.length + (truth == null ? 0 : truth.length);
        }
    }

    private final long maxPhotoBytes;
    private final int maxPending;
    private final Consumer<Joined> out;
    private final LinkedHashMap<String, Photo> photos = new LinkedHashMap<>();
    private long photoBytes;
    private final LinkedHashMap<String, MaskResult> pending = new LinkedHashMap<>();
    private long withoutPhoto;

    /**
     * @param maxPhotoBytes most bytes of request images and true masks waiting for their result
     * @param maxPending    most results waiting for their request
     * @param out           gets every result once, joined or not
     */
    public RequestJoin(long maxPhotoBytes, int maxPending, Consumer<Joined> out) {
        this.maxPhotoBytes = maxPhotoBytes;
        this.maxPending = maxPending;
        this.out = out;
    }

    public void onRequest(EditRequest request) {
        Photo photo = new Photo(bytes(request.getImage()),
                request.getGroundTruthMask() == null ? null : bytes(request.getGroundTruthMask()),
                request.getInstruction());
        MaskResult waiting = pending.remove(request.getId());
        if (waiting != null) {
            out.accept(new Joined(waiting, photo.image, photo.truth, photo.instruction));
            return;
        }
        Photo old = photos.put(request.getId(), photo);
        photoBytes += photo.bytes() - (old == null ? 0 : old.bytes());
        for (Iterator<Photo> it = photos.values().iterator(); photoBytes > maxPhotoBytes && it.hasNext(); ) {
            photoBytes -= it.next().bytes();
            it.remove();
        }
    }

    public void onResult(MaskResult result) {
        Photo photo = photos.remove(result.getId());
        if (photo != null) {
            photoBytes -= photo.bytes();
            out.accept(new Joined(result, photo.image, photo.truth, photo.instruction));
            return;
        }
        pending.put(result.getId(), result);
        if (pending.size() > maxPending) {
            Iterator<MaskResult> eldest = pending.values().iterator();
            MaskResult unmatched = eldest.next();
            eldest.remove();
            withoutPhoto++;
            out.accept(new Joined(unmatched, null, null, null));
        }
    }

    /** Passes on every result still waiting for its request, without its photo (at the end of a run). */
    public void flush() {
        for (MaskResult unmatched : pending.values()) {
            withoutPhoto++;
            out.accept(new Joined(unmatched, null, null, null));
        }
        pending.clear();
    }

    /** Results waiting for their request. */
    public int pending() {
        return pending.size();
    }

    /** Results passed on without their photo so far. */
    public long withoutPhoto() {
        return withoutPhoto;
    }
}
