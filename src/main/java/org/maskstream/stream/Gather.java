package org.maskstream.stream;

import org.maskstream.data.Splits;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.AvroWriters;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.LabeledExample;
import org.maskstream.data.GatheredStore;
import org.maskstream.events.AvroTypes;
import org.maskstream.events.KafkaWiring;

import java.nio.charset.StandardCharsets;

/**
 * The gathering half of the retraining loop: labeled requests (those carrying a ground-truth mask) go, exactly once,
 * to the training store, and their ids and splits to a labels sink.
 *
 * <p>The store is written by Flink's {@link FileSink} as Avro container files of {@link EditRequest}, one folder per
 * event-time hour ({@link EventTimeBuckets}). Bulk formats roll on every checkpoint and a file becomes visible (loses
 * its leading dot) only when the checkpoint that closed it completes; after a failure the job resumes from the last
 * checkpoint and discards what was written since, so each labeled request appears in exactly one committed file.
 */
public final class Gather {
    private Gather() {
    }

    /**
     * Adds the gathering branch to the job's decoded requests.
     *
     * @param requests the job's validated requests ({@code EditMaskJob.Topology#requests()})
     * @param store    the store folder: a local path or any Flink file system URI
     * @param labels   where each gathered example's id and split go (e.g. the {@code labeled-examples} topic)
     * @return the gathered requests
     */
    public static DataStream<EditRequest> attach(DataStream<InferenceRequest> requests, String store,
                                                 Sink<LabeledExample> labels) {
        SingleOutputStreamOperator<EditRequest> labeled = requests
                .filter(r -> r.getRequest().getGroundTruthMask() != null).name("labeled-requests").uid("labeled-requests")
                .map(InferenceRequest::getRequest, AvroTypes.of(EditRequest.class))
                .name("gather-requests").uid("gather-requests");
        labeled.sinkTo(storeSink(store)).name("training-store-sink").uid("training-store-sink");
        labeled.map(r -> new LabeledExample(r.getId(), r.getEventTime(), Splits.of(r.getId())),
                        AvroTypes.of(LabeledExample.class))
                .name("split-labeled").uid("split-labeled")
                .sinkTo(labels).name("labeled-examples-sink").uid("labeled-examples-sink");
        return labeled;
    }

    /**
     * Adds the gathering branch when the config names a store ({@code maskstream.gather.store}), with the labels
     * going to {@code maskstream.topic.labels}; does nothing otherwise.
     */
    public static void attach(DataStream<InferenceRequest> requests, StreamConfig config) {
        config.gatherStore().ifPresent(store -> attach(requests, store, KafkaWiring.sink(config.kafka(), config.labelsTopic(),
                "labels", LabeledExample.class, l -> l.getId().getBytes(StandardCharsets.UTF_8))));
    }

    static FileSink<EditRequest> storeSink(String store) {
        return FileSink.forBulkFormat(new Path(store), AvroWriters.forSpecificRecord(EditRequest.class))
                .withBucketAssigner(new EventTimeBuckets())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part")
                        .withPartSuffix(GatheredStore.SUFFIX).build())
                .build();
    }
}
