package org.maskstream.bench;

import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.maskstream.data.Example;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;
import org.maskstream.stream.InferenceSoak;
import org.maskstream.demo.RequestProducer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Memory (part 6): resident memory over a long run of the inference path, and the cost of each loaded model. */
final class MemoryUse {
    /** After loading {@code loaded} model versions: the heap in use (after a GC) and the resident set, MB. */
    record Loaded(int loaded, double heapMb, double rssMb) {
    }

    private MemoryUse() {
    }

    /** {@link InferenceSoak} over {@code total} events in batches of {@code batch}, as InferenceSoakITCase runs it. */
    static List<InferenceSoak.Sample> soak(Path model, List<Example> traffic, int batch, long total, long every,
                                           Consumer<InferenceSoak.Sample> progress) {
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            Example e = traffic.get(i % traffic.size());
            EditRequest r = RequestProducer.toRequest(e, "soak-" + i, Instant.EPOCH, true);
            requests.add(InferenceRequest.newBuilder().setRequest(r).setWidth(e.image().getWidth())
                    .setHeight(e.image().getHeight()).setSourceTopic("soak").setSourcePartition(0).setSourceOffset(i)
                    .setReceivedAtMs(0).setModel(null).build());
        }
        ModelRef ref = ModelRef.newBuilder().setVersion("soak").setUri(model.toString()).setSha256(null).build();
        try (MaskModel m = load(model)) {
            return InferenceSoak.run(m, ref, requests, total, every, progress);
        }
    }

    /**
     * Loads {@code versions} copies of a model one after the other (as a subtask holds the serving and the next
     * version after a hot-swap), measuring after each; the first row is before any.
     */
    static List<Loaded> perVersion(List<Path> versions, List<Example> traffic) {
        List<Loaded> out = new ArrayList<>();
        List<MaskModel> models = new ArrayList<>();
        try {
            out.add(measure(0));
            for (Path v : versions) {
                MaskModel m = load(v);
                models.add(m);
                // one prediction, so lazily allocated native state is counted too
                m.predict(List.of(traffic.get(0).image()), List.of(traffic.get(0).instruction()));
                out.add(measure(models.size()));
            }
        } finally {
            models.forEach(MaskModel::close);
        }
        return out;
    }

    private static MaskModel load(Path dir) {
        return SavedModel.load(dir);
    }

    private static Loaded measure(int loaded) {
        System.gc();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        return new Loaded(loaded, memory.getHeapMemoryUsage().getUsed() / 1e6, InferenceSoak.rssKb() / 1024.0);
    }
}
