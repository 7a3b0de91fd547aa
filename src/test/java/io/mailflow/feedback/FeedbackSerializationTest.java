package io.mailflow.feedback;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every feedback stream and state type is a record serialized as a POJO, never with Kryo. */
class FeedbackSerializationTest {

    static Stream<Class<?>> types() {
        return Stream.of(
                EngagementEvent.class,
                FunnelEvent.class,
                MessageTouch.class,
                VariantCounts.class,
                CampaignTally.class,
                CampaignStats.class,
                EngagementFeatures.class);
    }

    @ParameterizedTest
    @MethodSource("types")
    void serializedAsPojoWithoutKryo(Class<?> type) {
        assertSerializedAsPojoWithoutKryo(type);
    }
}
