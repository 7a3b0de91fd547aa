package io.mailflow.feedback;

import io.mailflow.model.CampaignCostUpdate;
import io.mailflow.model.CampaignCosts;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Adds each campaign's costs to its statistics ({@link CampaignStats#withCosts}): the window's cost and ROI. The
 * costs come with the campaign definitions: those of {@code campaigns.file} from the start, control-topic updates
 * on the broadcast input (kept in broadcast state, the highest version of each campaign winning, as for the
 * definitions). A window's statistics use the costs in force when the window fires.
 *
 * <p>Metrics per campaign and variant (labels as in {@link CampaignStatsFunctions.Emit}): {@code windowCost} and
 * {@code windowRoi} of the latest window (NaN without a holdout or a cost).
 */
public final class RoiFunction extends BroadcastProcessFunction<CampaignStats, CampaignCostUpdate, CampaignStats> {
    private static final long serialVersionUID = 1L;

    /** Campaign id to its latest costs (broadcast state). */
    public static final MapStateDescriptor<String, CampaignCostUpdate> COSTS =
            new MapStateDescriptor<>("campaign-costs", Types.STRING, Types.POJO(CampaignCostUpdate.class));

    private final HashMap<String, CampaignCostUpdate> initial;
    private transient Map<String, CampaignStats[]> latest;
    private transient CampaignLabels labels;

    /** @param initial the costs of the campaigns of {@code campaigns.file}, by campaign id */
    public RoiFunction(Map<String, CampaignCostUpdate> initial) {
        this.initial = new HashMap<>(initial);
    }

    @Override
    public void open(OpenContext ctx) {
        latest = new HashMap<>();
        labels = new CampaignLabels();
    }

    @Override
    public void processElement(CampaignStats s, ReadOnlyContext ctx, Collector<CampaignStats> out) throws Exception {
        CampaignCostUpdate u = ctx.getBroadcastState(COSTS).get(s.campaignId());
        if (u == null) {
            u = initial.get(s.campaignId());
        }
        CampaignStats withCosts = s.withCosts(u == null ? CampaignCosts.NONE : u.costs());
        gauges(withCosts)[0] = withCosts;
        out.collect(withCosts);
    }

    @Override
    public void processBroadcastElement(CampaignCostUpdate u, Context ctx, Collector<CampaignStats> out)
            throws Exception {
        BroadcastState<String, CampaignCostUpdate> costs = ctx.getBroadcastState(COSTS);
        CampaignCostUpdate current = costs.get(u.campaignId());
        if (current == null) {
            current = initial.get(u.campaignId());
        }
        if (current == null || u.version() >= current.version()) {
            costs.put(u.campaignId(), u);
        }
    }

    private CampaignStats[] gauges(CampaignStats s) {
        if (s.sent() > 0 || s.failed() > 0 || (s.holdout() && s.audience() > 0)) {
            labels.admit(s.campaignId(), s.variant());
        }
        String campaign = labels.campaign(s.campaignId(), s.variant());
        String variant = labels.variant(s.campaignId(), s.variant());
        return latest.computeIfAbsent(campaign + '\u0000' + variant, k -> {
            CampaignStats[] holder = new CampaignStats[1];
            MetricGroup g = getRuntimeContext()
                    .getMetricGroup()
                    .addGroup("campaign", campaign)
                    .addGroup("variant", variant);
            g.gauge("windowCost", () -> holder[0] == null ? 0.0 : holder[0].cost());
            g.gauge("windowRoi", () -> CampaignStatsFunctions.orNaN(holder[0] == null ? null : holder[0].roi()));
            return holder;
        });
    }
}
