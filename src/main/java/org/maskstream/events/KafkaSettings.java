package org.maskstream.events;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the Kafka edge needs to know of the job's configuration: the broker, the topics, sizes and delivery. Built
 * by {@code StreamConfig.kafka()}; kept separate so that the edge does not depend on the job's whole configuration.
 *
 * @param startFrom where the request source starts without a checkpoint: {@code earliest}, {@code latest} or
 *                  {@code committed} (the group's committed offsets, else the earliest)
 */
public record KafkaSettings(String bootstrapServers, Topics topics, String groupId, String startFrom,
                            int maxMessageBytes, boolean exactlyOnce, String transactionalIdPrefix,
                            Duration transactionTimeout) {

    /** The project's topics. */
    public record Topics(String requests, String masks, String iou, String deadLetters, String modelUpdates,
                         String labels) {
        public List<String> all() {
            return List.of(requests, masks, iou, deadLetters, modelUpdates, labels);
        }
    }

    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topics, "topics");
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive, got " + maxMessageBytes);
        }
    }
}
