package org.maskstream.data;

import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.maskstream.avro.EditRequest;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the training store the streaming job gathers labeled requests into: a folder (a local path or any Flink
 * file system URI) of time-partitioned sub-folders holding Avro container files ({@value #SUFFIX}) of
 * {@link EditRequest}, written by Flink's {@code FileSink}.
 *
 * <p>Only committed files count: the sink keeps files in progress or pending a checkpoint under names starting with
 * a dot, which are skipped, so a store read while the job runs holds each gathered request once. Files are read in
 * path order, so the same store gives the same example order.
 */
public final class GatheredStore {
    public static final String SUFFIX = ".avro";

    private GatheredStore() {
    }

    /** Whether {@code dir} is a gathered store rather than a manifest dataset: no manifest, some committed part file. */
    public static boolean isStore(java.nio.file.Path dir) {
        if (java.nio.file.Files.exists(dir.resolve(DatasetReader.MANIFEST))) {
            return false;
        }
        try {
            return !partFiles(new Path(dir.toUri())).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Every labeled request of the store as an example (image and mask decoded to RGB and binary).
     *
     * @param skipBad skip an undecodable record or a repeated id with a warning instead of failing
     * @throws DatasetException when the store cannot be listed or read, or on the first bad record unless
     *                          {@code skipBad}
     */
    public static Dataset read(URI store, boolean skipBad) {
        Path root = new Path(store);
        List<Example> examples = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try {
            FileSystem fs = root.getFileSystem();
            for (Path file : partFiles(root)) {
                try (InputStream in = fs.open(file);
                     DataFileStream<EditRequest> records = new DataFileStream<>(in,
                             new SpecificDatumReader<>(EditRequest.class))) {
                    long index = 0;
                    for (EditRequest r : records) {
                        String where = file + " record " + index++;
                        try {
                            Example e = toExample(r);
                            if (!ids.add(e.id())) {
                                throw new IllegalArgumentException("repeats id '" + e.id() + "'");
                            }
                            examples.add(e);
                        } catch (IllegalArgumentException e) {
                            if (!skipBad) {
                                throw new DatasetException(where + ": " + e.getMessage()
                                        + ". Skip bad records (skipBad, --skip-bad on the command line) to read the rest");
                            }
                            warnings.add(where + ": " + e.getMessage());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read the gathered store " + store + ": " + e.getMessage(), e);
        }
        java.nio.file.Path local = "file".equals(root.toUri().getScheme()) || root.toUri().getScheme() == null
                ? java.nio.file.Path.of(root.toUri().getPath()) : null;
        return new Dataset(local, examples, warnings.size(), warnings);
    }

    /** The example a gathered request describes; the request must carry a ground-truth mask of its image's size. */
    static Example toExample(EditRequest r) {
        if (r.getGroundTruthMask() == null) {
            throw new IllegalArgumentException("request " + r.getId() + " has no ground-truth mask");
        }
        BufferedImage image = Images.toRgb(Images.decode(bytes(r.getImage())));
        Mask mask = Mask.fromImage(Images.decode(bytes(r.getGroundTruthMask())));
        return new Example(r.getId(), image, r.getInstruction(), mask);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Committed part files under {@code root}, at any depth, sorted by path. */
    static List<Path> partFiles(Path root) throws IOException {
        FileSystem fs = root.getFileSystem();
        if (!fs.exists(root)) {
            throw new IOException(root + " does not exist");
        }
        List<Path> out = new ArrayList<>();
        collect(fs, root, out);
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }

    private static void collect(FileSystem fs, Path dir, List<Path> out) throws IOException {
        FileStatus[] children = fs.listStatus(dir);
        if (children == null) {
            return;
        }
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue;
            }
            if (child.isDir()) {
                collect(fs, child.getPath(), out);
            } else if (name.endsWith(SUFFIX)) {
                out.add(child.getPath());
            }
        }
    }
}
