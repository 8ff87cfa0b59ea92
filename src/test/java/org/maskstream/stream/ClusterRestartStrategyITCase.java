package org.maskstream.stream;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On a multi-process cluster (bin/maskstream-cluster: JobManager and TaskManager JVMs), the slim job jar submitted
 * with Flink's own {@code flink run} runs under flink-conf/config.yaml's restart strategy, not one of its own: read
 * back from the running job's configuration through the REST API ({@code /jobs/:id/config}). Needs
 * target/maskstream-job.jar (runs after {@code package}).
 */
class ClusterRestartStrategyITCase {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void jobRunsUnderTheClustersRestartStrategy() throws Exception {
        StreamConfig config = StreamTestKafka.prefixTopics(StreamConfig.builder(), "cluster-restart-")
                .bootstrapServers(KAFKA.broker().bootstrapServers()).model(TestModels.tiny().toString()).build();
        KAFKA.broker().createTopics(config, 2, config.topics());
        try (FlinkProcessCluster cluster = FlinkProcessCluster.start(1)) {
            String id = cluster.submit(config);
            String strategy = cluster.get("/jobs/" + id + "/config").path("execution-config")
                    .path("restart-strategy").asText();
            Configuration flinkConf = GlobalConfiguration.loadConfiguration(FlinkProcessCluster.ROOT.resolve("flink-conf").toString());
            assertEquals("failure-rate", flinkConf.get(RestartStrategyOptions.RESTART_STRATEGY));
            assertEquals("Failure rate restart with maximum of "
                    + flinkConf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL)
                    + " failures within interval "
                    + flinkConf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL)
                    + " and fixed delay " + flinkConf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY) + ".",
                    strategy);
        }
    }
}
