package io.mailflow.testing;

import io.mailflow.testkit.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real in-process KRaft broker for the tests of one class:
 * {@code @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();} then {@code KAFKA.broker()}.
 */
public final class KafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    public EmbeddedKafka broker() {
        return broker;
    }
}
