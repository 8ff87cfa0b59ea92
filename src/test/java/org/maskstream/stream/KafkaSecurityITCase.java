package org.maskstream.stream;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.ModelUpdate;
import org.maskstream.avro.ValidationMetrics;
import org.maskstream.demo.EmbeddedKafka;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.ModelUpdatePublisher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job on a broker that authenticates (SASL/PLAIN) and authorizes (ACLs), its credentials passed as Kafka client
 * properties: with the right ones it serves every request exactly once; they do not let it write model-updates; with
 * a wrong password it fails with the broker's authentication error after the configured restarts, not in a loop.
 */
class KafkaSecurityITCase {
    private static final String JOB = "job";
    private static final String JOB_PASSWORD = "job-secret";
    private static final String PRODUCER = "producer";
    private static final String PRODUCER_PASSWORD = "producer-secret";
    private static final int REQUESTS = 30;
    private static final int RESTART_ATTEMPTS = 2;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();
    @RegisterExtension
    static final MiniClusterExtension FLINK = StreamTestCluster.create(METRICS.addToConfiguration(new Configuration()));
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(new EmbeddedKafka.Sasl(
            Map.of(JOB, JOB_PASSWORD, PRODUCER, PRODUCER_PASSWORD), Set.of()));

    private final AvroCodec<EditRequest> requests = AvroCodec.of(EditRequest.class);
    private final AvroCodec<MaskResult> results = AvroCodec.of(MaskResult.class);

    @Test
    void theJobsCredentialsServeEveryRequestOnceAndCannotWriteModelUpdates(TestInfo info) throws Exception {
        StreamConfig topics = topics(info, Map.of());
        StreamConfig asJob = as(topics, EmbeddedKafka.saslLogin(JOB, JOB_PASSWORD));
        List<String> ids = new ArrayList<>();
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String id = "secure-" + i;
            ids.add(id);
            records.add(Map.entry(id, requests.encode(TestRequests.request(id, i, i % 2 == 0, T0.plusMillis(100L * i)))));
        }
        StreamTestKafka.produce(as(topics, EmbeddedKafka.saslLogin(PRODUCER, PRODUCER_PASSWORD)), records);

        JobClient job = start(asJob);
        StreamConfig asAdmin = as(topics, KAFKA.broker().adminLogin());
        try {
            StreamTestKafka.awaitRecords(asAdmin, topics.masksTopic(), REQUESTS, Duration.ofSeconds(45));
        } finally {
            job.cancel().get();
        }
        Map<String, Long> perId = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(asAdmin, topics.masksTopic())) {
            perId.merge(results.decode(r.value()).getId().toString(), 1L, Long::sum);
        }
        assertEquals(new TreeMap<>(ids.stream().collect(Collectors.toMap(id -> id, id -> 1L))), perId,
                "every request exactly one result");

        ModelUpdate update = ModelUpdate.newBuilder().setVersion("v9999").setUri("file:///nowhere").setSha256("0".repeat(64))
                .setPromotedAt(Instant.now()).setPreviousVersion("v0001").setValidationExamples(0)
                .setCandidate(new ValidationMetrics(0.0, 0.0, 0.0, 0.0)).build();
        try (ModelUpdatePublisher publisher = new ModelUpdatePublisher(asJob.kafka())) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> publisher.publish(update));
            assertInstanceOf(TopicAuthorizationException.class, refused.getCause().getCause(), refused.toString());
            assertTrue(refused.getMessage().contains("not allowed"), refused.getMessage());
        }
        assertEquals(List.of(), StreamTestKafka.readAll(asAdmin, topics.modelUpdatesTopic()));
    }

    @Test
    void aWrongPasswordFailsTheJobWithTheAuthenticationErrorAfterTheConfiguredRestarts(TestInfo info) throws Exception {
        StreamConfig topics = topics(info, Map.of(StreamConfig.Key.RESTART_ATTEMPTS, RESTART_ATTEMPTS,
                StreamConfig.Key.RESTART_DELAY_MS, 200));
        JobClient job = start(as(topics, EmbeddedKafka.saslLogin(JOB, "not-" + JOB_PASSWORD)));
        ExecutionException failed;
        try {
            // a job that kept restarting would still run after 60 s (TimeoutException); about 8 s here
            failed = assertThrows(ExecutionException.class, () -> job.getJobExecutionResult().get(60, TimeUnit.SECONDS),
                    "the job should fail, not run or loop");
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
        assertEquals(JobStatus.FAILED, job.getJobStatus().get());
        Optional<SaslAuthenticationException> cause = ExceptionUtils.findThrowable(failed, SaslAuthenticationException.class);
        assertTrue(cause.isPresent(), () -> "no authentication error in " + ExceptionUtils.stringifyException(failed));
        assertTrue(cause.get().getMessage().contains("Authentication failed"), cause.get().getMessage());
        assertEquals(RESTART_ATTEMPTS, restarts(job), "restarts before the job gave up");
    }

    /** Fresh topics, and ACLs on them: the job reads requests and model updates and writes its three outputs. */
    private static StreamConfig topics(TestInfo info, Map<StreamConfig.Key, Object> extra) {
        StreamConfig config = StreamTestKafka.freshConfig(KAFKA.broker(), info, TestModels.tiny().toString(), extra);
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : List.of(config.requestsTopic(), config.modelUpdatesTopic())) {
            acls.add(allow(JOB, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
        }
        for (String topic : List.of(config.masksTopic(), config.iouTopic(), config.dlqTopic())) {
            acls.add(allow(JOB, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
        }
        // the request source's group and the model-updates source's (<group>-model-updates)
        acls.add(allow(JOB, ResourceType.GROUP, config.groupId(), PatternType.PREFIXED, AclOperation.READ));
        // exactly-once sinks: <transactional-id-prefix>-<sink>-...
        acls.add(allow(JOB, ResourceType.TRANSACTIONAL_ID, config.transactionalIdPrefix(), PatternType.PREFIXED,
                AclOperation.WRITE));
        acls.add(allow(PRODUCER, ResourceType.TOPIC, config.requestsTopic(), PatternType.LITERAL, AclOperation.WRITE));
        KAFKA.broker().createAcls(acls);
        return config;
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    /** {@code config} with these Kafka client properties (a login). */
    private static StreamConfig as(StreamConfig config, Map<String, String> login) {
        return config.toBuilder().kafka(login).build();
    }

    private static JobClient start(StreamConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        EditMaskJob.configure(env, config);
        EditMaskJob.onKafka(env, config);
        return env.executeAsync("kafka-security-test");
    }

    private static long restarts(JobClient job) {
        // the job-level gauge, on the JobManager (task metrics repeat per attempt, so not by identifier)
        return METRICS.findJobMetricGroups(job.getJobID(), "numRestarts").stream()
                .mapToLong(m -> ((Number) ((Gauge<?>) m.f2).getValue()).longValue())
                .max().orElseThrow(() -> new AssertionError("no numRestarts metric for the job"));
    }
}
