package org.maskstream.stream;

import org.maskstream.demo.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One in-process broker per test class: {@code @RegisterExtension static final EmbeddedKafkaExtension KAFKA}. */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private final EmbeddedKafka.Sasl sasl;
    private EmbeddedKafka broker;

    /** A plaintext broker. */
    public EmbeddedKafkaExtension() {
        this(null);
    }

    /** A broker that authenticates these users and authorizes by ACLs; null: plaintext. */
    public EmbeddedKafkaExtension(EmbeddedKafka.Sasl sasl) {
        this.sasl = sasl;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafka.start(sasl);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public EmbeddedKafka broker() {
        return broker;
    }
}
