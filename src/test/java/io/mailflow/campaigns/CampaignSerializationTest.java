package io.mailflow.campaigns;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import io.mailflow.guardrails.Deferred;
import io.mailflow.guardrails.SendLog;
import io.mailflow.guardrails.SentEntry;
import io.mailflow.model.CampaignEvent;
import io.mailflow.model.CampaignStatus;
import io.mailflow.model.Recommendation;
import io.mailflow.model.SendRules;
import io.mailflow.recommendations.DecayedCounts;
import io.mailflow.recommendations.ItemCounts;
import io.mailflow.recommendations.RecoList;
import io.mailflow.recommendations.SegmentItems;
import io.mailflow.recommendations.SessionItems;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every stream and state type of campaigns, guardrails and recommendations is a POJO/record, never Kryo. */
class CampaignSerializationTest {

    static Stream<Class<?>> types() {
        return Stream.of(
                CampaignDefinition.class,
                TriggerSpec.class,
                Audience.class,
                FeaturePredicate.class,
                Variant.class,
                CampaignUpdate.class,
                CampaignStatus.class,
                ControlMessage.class,
                UserSignal.class,
                Pending.class,
                ViewTally.class,
                UserFacts.class,
                Exposure.class,
                VariantStats.class,
                SendRules.class,
                Recommendation.class,
                CampaignEvent.class,
                SentEntry.class,
                SendLog.class,
                Deferred.class,
                RecoList.class,
                DecayedCounts.class,
                ItemCounts.class,
                SegmentItems.class,
                SessionItems.class);
    }

    @ParameterizedTest
    @MethodSource("types")
    void serializedAsPojoWithoutKryo(Class<?> type) {
        assertSerializedAsPojoWithoutKryo(type);
    }
}
