package io.mailflow.model;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every type that crosses an operator boundary or lives in state must be a POJO/record, never Kryo. */
class SerializationTest {

    static Stream<Class<?>> types() {
        return Stream.of(
                Event.class,
                RawRecord.class,
                DeadLetter.class,
                LineItem.class,
                SessionSummary.class,
                UserProfile.class,
                EmailRequest.class,
                Recipient.class,
                AddressedRequest.class,
                RenderedEmail.class,
                SendResult.class,
                Attempt.class,
                ContactUpdate.class,
                Suppression.class,
                io.mailflow.delivery.SendOutcomeFunction.AuditRecord.class);
    }

    @ParameterizedTest
    @MethodSource("types")
    void serializedAsPojoWithoutKryo(Class<?> type) {
        assertSerializedAsPojoWithoutKryo(type);
    }
}
