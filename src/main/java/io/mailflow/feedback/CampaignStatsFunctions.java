package io.mailflow.feedback;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** The two halves of the per-campaign statistics window: counting, and turning counts into rates. */
public final class CampaignStatsFunctions {
    private CampaignStatsFunctions() {}

    /** Counts funnel events per variant; the window keeps one small tally per campaign, not the events. */
    public static final class Count implements AggregateFunction<FunnelEvent, CampaignTally, CampaignTally> {
        private static final long serialVersionUID = 1L;

        @Override
        public CampaignTally createAccumulator() {
            return CampaignTally.empty();
        }

        @Override
        public CampaignTally add(FunnelEvent e, CampaignTally acc) {
            return acc.add(e);
        }

        @Override
        public CampaignTally getResult(CampaignTally acc) {
            return acc;
        }

        @Override
        public CampaignTally merge(CampaignTally a, CampaignTally b) {
            return a.merge(b);
        }
    }

    /**
     * Emits one {@link CampaignStats} per variant when the window fires, and exposes the latest
     * window's open rate, click rate, conversion rate, lift with its interval and incremental revenue as gauges
     * per campaign and variant (the programme's line too, as campaign {@link Funnel#PROGRAMME}). A variant
     * becomes a gauge label only when its window had sends or holdout assignments (the job's own output, not
     * an engagement event naming any campaign), and at most {@link CampaignLabels#MAX_LABELS} of them; the
     * rest share the {@code other} gauges (see {@link CampaignLabels}).
     */
    public static final class Emit extends ProcessWindowFunction<CampaignTally, CampaignStats, String, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private transient Map<String, CampaignStats[]> latest;
        private transient CampaignLabels labels;

        @Override
        public void open(OpenContext ctx) {
            latest = new HashMap<>();
            labels = new CampaignLabels();
        }

        @Override
        public void process(
                String campaignId, Context ctx, Iterable<CampaignTally> tallies, Collector<CampaignStats> out) {
            for (CampaignTally t : tallies) {
                List<CampaignStats> stats = CampaignStats.of(
                        campaignId, ctx.window().getStart(), ctx.window().getEnd(), t.variants());
                for (CampaignStats s : stats) {
                    gauges(s)[0] = s;
                    out.collect(s);
                }
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
                var g = getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("campaign", campaign)
                        .addGroup("variant", variant);
                g.gauge("windowOpenRate", () -> holder[0] == null ? 0.0 : holder[0].openRate());
                g.gauge("windowClickRate", () -> holder[0] == null ? 0.0 : holder[0].clickRate());
                g.gauge("windowConversionRate", () -> holder[0] == null ? 0.0 : holder[0].conversionRate());
                g.gauge("windowRevenuePerSend", () -> holder[0] == null ? 0.0 : holder[0].revenuePerSend());
                g.gauge("windowLift", () -> holder[0] == null || holder[0].lift() == null ? 0.0 : holder[0].lift());
                // the interval of the lift; NaN (no value) when the window had no holdout to compare with
                g.gauge("windowLiftLow", () -> orNaN(holder[0] == null ? null : holder[0].liftLow()));
                g.gauge("windowLiftHigh", () -> orNaN(holder[0] == null ? null : holder[0].liftHigh()));
                g.gauge(
                        "windowIncrementalRevenue",
                        () -> orNaN(holder[0] == null ? null : holder[0].incrementalRevenue()));
                return holder;
            });
        }
    }

    static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }
}
