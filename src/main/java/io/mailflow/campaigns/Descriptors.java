package io.mailflow.campaigns;

import io.mailflow.recommendations.RecoList;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/** The broadcast state of the trigger operator, declared once. */
public final class Descriptors {
    /** Campaign id to its current definition (including paused ones; deleted ones are removed). */
    public static final MapStateDescriptor<String, CampaignDefinition> CAMPAIGNS =
            new MapStateDescriptor<>("campaigns", Types.STRING, Types.POJO(CampaignDefinition.class));
    /** {@link RecoList#key()} to the latest published list of the recommendation model. */
    public static final MapStateDescriptor<String, RecoList> RECOMMENDATIONS =
            new MapStateDescriptor<>("recommendation-model", Types.STRING, Types.POJO(RecoList.class));

    private Descriptors() {}
}
