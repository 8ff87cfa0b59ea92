package org.maskstream.events;

import org.maskstream.avro.ModelUpdate;
import org.maskstream.avro.ValidationMetrics;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry's signature of a promotion: HMAC-SHA256, with a key the retrainer and the job share, over the
 * update's version, parameters hash, manifest, the gate's metrics and validation size, the version it replaces and
 * its time. Only {@code uri} is left out: where the folder lies may differ between the machine that wrote it and one
 * that mounts it, and its content is what the manifest pins. A job that holds the key serves an update only when
 * the signature matches, so nothing but what the gate promoted (and nothing changed since) is ever served.
 *
 * <p>The key is read from a file (a Kubernetes or compose secret), so it does not appear in command lines, logs or
 * the job graph; it is never printed.
 */
public final class UpdateSignature {
    private static final String ALGORITHM = "HmacSHA256";
    /** Fewest key bytes accepted: below, a key could be guessed. */
    public static final int MIN_KEY_BYTES = 16;
    /** Bumped when the signed fields change, so an old signature never verifies a differently read update. */
    private static final String FORMAT = "maskstream-model-update-v1";

    private final byte[] key;

    private UpdateSignature(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a model signing key needs at least " + MIN_KEY_BYTES + " bytes, got "
                    + key.length + ": generate one with 'openssl rand -hex 32'");
        }
        this.key = key.clone();
    }

    /** The key in {@code file}: its bytes, without the line ending an editor or {@code echo} adds. */
    public static UpdateSignature fromFile(Path file) {
        try {
            return new UpdateSignature(Files.readString(file, StandardCharsets.UTF_8).strip()
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model signing key file " + file + ": " + e.getMessage()
                    + " (mount the secret there or fix the path)", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the model signing key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a new random key (32 bytes as hex) to {@code file}, readable by its owner only where the system allows. */
    public static Path generateKeyFile(Path file) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        try {
            Files.writeString(file, HexFormat.of().formatHex(bytes) + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its own access rules apply
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a model signing key to " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code update} with its signature set. */
    public ModelUpdate sign(ModelUpdate update) {
        return ModelUpdate.newBuilder(update).setSignature(HexFormat.of().formatHex(mac(update))).build();
    }

    /** Whether {@code update} carries a signature this key made over its current content. */
    public boolean verifies(ModelUpdate update) {
        String signature = update.getSignature();
        if (signature == null || !signature.matches("[0-9a-fA-F]{64}")) {
            return false;
        }
        return MessageDigest.isEqual(HexFormat.of().parseHex(signature.toLowerCase(Locale.ROOT)),
                mac(update));
    }

    private byte[] mac(ModelUpdate u) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(signedBytes(u));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no " + ALGORITHM, e);
        }
    }

    /** Length-prefixed fields, so no two different updates give the same bytes. */
    private static byte[] signedBytes(ModelUpdate u) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(FORMAT);
            out.writeUTF(u.getVersion());
            out.writeUTF(u.getSha256());
            out.writeLong(u.getPromotedAt().toEpochMilli());
            out.writeBoolean(u.getPreviousVersion() != null);
            out.writeUTF(u.getPreviousVersion() == null ? "" : u.getPreviousVersion());
            out.writeInt(u.getValidationExamples());
            metrics(out, u.getCandidate());
            out.writeBoolean(u.getPrevious() != null);
            if (u.getPrevious() != null) {
                metrics(out, u.getPrevious());
            }
            Map<String, String> manifest = new TreeMap<>(u.getManifest());
            out.writeInt(manifest.size());
            for (Map.Entry<String, String> e : manifest.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void metrics(DataOutputStream out, ValidationMetrics m) throws IOException {
        out.writeDouble(m.getFgIou());
        out.writeDouble(m.getPixelIou());
        out.writeDouble(m.getMiou());
        out.writeDouble(m.getDice());
    }

    @Override
    public String toString() {
        return "UpdateSignature[key hidden]";
    }
}
