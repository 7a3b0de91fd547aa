package io.mailflow.campaigns;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The global bandit's aggregator: keyed by campaign, it adds the exposure and conversion deltas every trigger
 * instance reports ({@link io.mailflow.campaigns.rules.GlobalThompsonStats#drain()}) to the campaign's job-wide
 * totals and emits each changed total with the next version, for the totals topic that every trigger instance
 * reads back. The totals live in keyed state and are checkpointed with the deltas that produced them, so a
 * restore neither loses nor repeats a delta. No timers: a campaign's state is a few counts per variant and stays
 * as long as the job runs (a deleted campaign's counts are kept, as its statistics are).
 */
public final class VariantTotalsFunction extends KeyedProcessFunction<String, VariantStats, VariantTotal> {
    private static final long serialVersionUID = 1L;

    private transient MapState<String, VariantTotal> totals;

    @Override
    public void open(OpenContext ctx) {
        totals = getRuntimeContext().getMapState(Descriptors.variantTotalsOfCampaign());
    }

    @Override
    public void processElement(VariantStats delta, Context ctx, Collector<VariantTotal> out) throws Exception {
        if (delta.exposures() == 0 && delta.conversions() == 0) {
            return;
        }
        VariantTotal before = totals.get(delta.variant());
        VariantTotal after =
                (before == null ? VariantTotal.none(delta.campaignId(), delta.variant()) : before).plus(delta);
        totals.put(delta.variant(), after);
        out.collect(after);
    }
}
