package org.maskstream.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.stream.TestModels;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo with a SASL login as its Kafka client properties (what {@code demo --kafka-config FILE} gives it): its
 * broker takes that login, and the job, the traffic and the live line all log in with it.
 */
class DemoSaslITCase {
    @TempDir
    Path tmp;

    @Test
    void theDemoRunsEndToEndOnASaslBrokerWithTheGivenLogin() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        long results = new Demo(new Demo.Options(Duration.ofSeconds(12), 20, null, TestModels.tiny(), out, null, null,
                EmbeddedKafka.saslLogin("demo-user", "demo-password")), tmp).run();
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("(SASL_PLAINTEXT, user demo-user)"), text);
        assertTrue(results > 0, "no results on the SASL broker:\n" + text);
    }
}
