package org.maskstream.stream;

import org.maskstream.demo.RequestProducer;
import org.maskstream.avro.EditRequest;
import org.maskstream.data.Example;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.Scene;
import org.maskstream.data.synth.SceneGenerator;

import java.time.Instant;

/** Small synthetic edit requests for stream tests: scenes of the synthetic benchmark at 32 px. */
public final class TestRequests {
    public static final int SIZE = 32;
    private static final long SEED = 5;
    private static final SceneGenerator GENERATOR = new SceneGenerator(SIZE, Phrasing.NORMAL);

    private TestRequests() {
    }

    /** Scene {@code index} as a request, with its mask when {@code labeled}. */
    public static EditRequest request(String id, long index, boolean labeled, Instant eventTime) {
        Scene s = GENERATOR.scene(SEED, (int) index);
        return RequestProducer.toRequest(new Example(id, s.render(), s.instruction(), s.targetMask()), id, eventTime,
                labeled);
    }
}
