package org.maskstream.data;

import org.maskstream.avro.ExampleSplit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The train/validation split of a labeled example, a pure function of its id: the job publishes it when it gathers
 * the example and {@code retrain} recomputes it, so training and gating always agree and an example never moves
 * between splits as the store grows.
 *
 * <p>SHA-256 rather than {@link String#hashCode()}: the split must not change with a JVM or a language (a Python
 * consumer of the {@code labeled-examples} topic can recompute it), and similar ids must not cluster.
 */
public final class Splits {
    /** Share of ids that go to validation, in percent. Fixed: changing it would move examples between splits. */
    public static final int VALIDATION_PERCENT = 20;

    private Splits() {
    }

    public static ExampleSplit of(String id) {
        return bucket(id) < VALIDATION_PERCENT ? ExampleSplit.VALIDATION : ExampleSplit.TRAIN;
    }

    /** The first 8 bytes of SHA-256(UTF-8 id) as an unsigned number, modulo 100. */
    static int bucket(String id) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        long prefix = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            prefix = (prefix << 8) | (digest[i] & 0xff);
        }
        return (int) Long.remainderUnsigned(prefix, 100);
    }
}
