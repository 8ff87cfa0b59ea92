package org.maskstream.demo;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the demo's broker makes of a --kafka-config file. */
class DemoBrokerTest {
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"alice\" password=\"s3cret\";";

    @Test
    void withoutSecurityTheBrokerIsPlaintext() {
        assertNull(Demo.brokerFor(Map.of()));
        assertNull(Demo.brokerFor(Map.of("security.protocol", "plaintext", "client.id", "demo")));
    }

    @Test
    void aSaslPlainLoginBecomesTheBrokersOneUser() {
        EmbeddedKafka.Sasl sasl = Demo.brokerFor(Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", PLAIN_LOGIN));
        assertEquals(Map.of("alice", "s3cret"), sasl.users());
        assertEquals(Set.of("alice"), sasl.superUsers());
    }

    @Test
    void whatTheDemosBrokerCannotServeIsRefusedWithTheReason() {
        assertRefused("no TLS certificates", Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", PLAIN_LOGIN));
        assertRefused("none of PLAINTEXT", Map.of("security.protocol", "KERBEROS"));
        // Kafka's default mechanism
        assertRefused("sasl.mechanism=GSSAPI", Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.jaas.config", PLAIN_LOGIN));
        assertRefused("sasl.mechanism=SCRAM-SHA-256", Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-256", "sasl.jaas.config", PLAIN_LOGIN));
        assertRefused("without sasl.jaas.config", Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN"));
        assertRefused("does not parse", Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "PlainLoginModule username=alice"));
        assertRefused("with a username and a password", Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\";"));
        assertRefused("neither", Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"alice\" password=\"a\\\\b\";"));
    }

    private static void assertRefused(String reason, Map<String, String> client) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Demo.brokerFor(client));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
