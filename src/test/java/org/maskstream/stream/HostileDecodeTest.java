package org.maskstream.stream;

import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.events.RawRecord;
import org.maskstream.experiment.HostileRecords;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hostile suite's records through the job's two decoding steps ({@link DecodeRequests}, then the batch's
 * {@link DecodedRequest}), without a cluster: each record whose outcome is fixed before inference gets it. The
 * whole job over the same records is {@code HostileInputITCase}.
 */
class HostileDecodeTest {
    @Test
    void eachRecordIsDecodedToItsExpectedOutcome() {
        StreamConfig config = StreamConfig.builder().build();
        DecodeRequests decode = new DecodeRequests(config);
        Map<String, String> wrong = new TreeMap<>();
        for (HostileRecords.Case c : HostileRecords.generate(3, 400, config)) {
            if (c.outcome() == HostileRecords.Outcome.EITHER) {
                continue;
            }
            String got = outcome(decode, c);
            String expected = c.outcome() == HostileRecords.Outcome.RESULT ? "RESULT" : c.kind().toString();
            if (!got.startsWith(expected)) {
                wrong.merge(c.label(), "expected " + expected + ", got " + got, (a, b) -> a);
            }
        }
        assertEquals(Map.of(), wrong);
    }

    private static String outcome(DecodeRequests decode, HostileRecords.Case c) {
        RawRecord raw = new RawRecord();
        raw.key = c.key();
        raw.value = c.value();
        raw.topic = "edit-requests";
        List<InferenceRequest> out = new ArrayList<>();
        DecodeRequests.Refusal refusal = decode.decode(raw, new Collector<>() {
            @Override
            public void collect(InferenceRequest record) {
                out.add(record);
            }

            @Override
            public void close() {
            }
        });
        if (refusal != null) {
            return refusal.kind() + ": " + refusal.reason();
        }
        try {
            DecodedRequest.decode(out.get(0));
            return "RESULT";
        } catch (DecodedRequest.Undecodable e) {
            return e.kind + " (in the batch): " + e.getMessage();
        }
    }
}
