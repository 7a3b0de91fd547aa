package io.mailflow.feedback;

import io.mailflow.privacy.ExactSampler;
import io.mailflow.privacy.PrivacyBudget;
import java.security.SecureRandom;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators of the differentially private statistics: per user and campaign window, sum and clip the
 * user's contribution; per campaign window, add up the clipped contributions; per campaign, spend the
 * budget and publish with noise.
 */
public final class DpStatsFunctions {
    private DpStatsFunctions() {}

    /** Adds up one user's funnel events in one campaign window and clips the result (the contribution bound). */
    public static final class Contribute implements AggregateFunction<FunnelEvent, DpContribution, DpContribution> {
        private static final long serialVersionUID = 1L;
        private final long maxCount;
        private final long maxRevenueCents;

        public Contribute(DpSettings settings) {
            this.maxCount = settings.maxEmailsPerUser();
            this.maxRevenueCents = settings.maxRevenueCentsPerUser();
        }

        @Override
        public DpContribution createAccumulator() {
            return DpContribution.empty();
        }

        @Override
        public DpContribution add(FunnelEvent e, DpContribution acc) {
            return acc.add(e);
        }

        @Override
        public DpContribution getResult(DpContribution acc) {
            return acc.clip(maxCount, maxRevenueCents);
        }

        @Override
        public DpContribution merge(DpContribution a, DpContribution b) {
            return a.plus(b);
        }
    }

    /** Sums clipped contributions, counting the users. */
    public static final class Sum implements AggregateFunction<DpContribution, DpTally, DpTally> {
        private static final long serialVersionUID = 1L;

        @Override
        public DpTally createAccumulator() {
            return new DpTally(null, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public DpTally add(DpContribution c, DpTally acc) {
            return new DpTally(
                    c.campaignId(),
                    0,
                    0,
                    acc.users() + 1,
                    acc.sent() + c.sent(),
                    acc.opens() + c.opens(),
                    acc.clicks() + c.clicks(),
                    acc.conversions() + c.conversions(),
                    acc.revenueCents() + c.revenueCents());
        }

        @Override
        public DpTally getResult(DpTally acc) {
            return acc;
        }

        @Override
        public DpTally merge(DpTally a, DpTally b) {
            return new DpTally(
                    a.campaignId() == null ? b.campaignId() : a.campaignId(),
                    0,
                    0,
                    a.users() + b.users(),
                    a.sent() + b.sent(),
                    a.opens() + b.opens(),
                    a.clicks() + b.clicks(),
                    a.conversions() + b.conversions(),
                    a.revenueCents() + b.revenueCents());
        }
    }

    /** Stamps the window on the campaign's sums. */
    public static final class StampWindow extends ProcessWindowFunction<DpTally, DpTally, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String campaignId, Context ctx, Iterable<DpTally> sums, Collector<DpTally> out) {
            for (DpTally t : sums) {
                out.collect(new DpTally(
                        campaignId,
                        ctx.window().getStart(),
                        ctx.window().getEnd(),
                        t.users(),
                        t.sent(),
                        t.opens(),
                        t.clicks(),
                        t.conversions(),
                        t.revenueCents()));
            }
        }
    }

    /**
     * Keyed by campaign: keeps the campaign's {@link PrivacyBudget} and publishes each window through
     * {@link DpRelease} while the budget lasts. A refused window is published as a refusal (no figures),
     * counted in the state, in the {@code dpRefusals} counter and logged with the campaign id only. The noise
     * comes from a {@link SecureRandom} seeded by the platform, new on every (re)start.
     */
    public static final class Publish extends KeyedProcessFunction<String, DpTally, DpCampaignStats> {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(Publish.class);
        private final DpSettings settings;
        private transient ValueState<PrivacyBudget> budget;
        private transient DpRelease release;
        private transient Counter releases;
        private transient Counter refusals;

        public Publish(DpSettings settings) {
            this.settings = settings;
        }

        /** The campaign's privacy budget; one value per campaign, never cleared (a spent budget stays spent). */
        public static ValueStateDescriptor<PrivacyBudget> budgetDescriptor() {
            return new ValueStateDescriptor<>("privacy-budget", PrivacyBudget.class);
        }

        @Override
        public void open(OpenContext ctx) {
            budget = getRuntimeContext().getState(budgetDescriptor());
            release = new DpRelease(settings, new ExactSampler(new SecureRandom()));
            releases = getRuntimeContext().getMetricGroup().counter("dpReleases");
            refusals = getRuntimeContext().getMetricGroup().counter("dpRefusals");
        }

        @Override
        public void processElement(DpTally t, Context ctx, Collector<DpCampaignStats> out) throws Exception {
            PrivacyBudget spent = budget.value();
            DpRelease.Outcome o = release.release(t, spent == null ? PrivacyBudget.fresh() : spent);
            budget.update(o.budget());
            if (o.stats().released()) {
                releases.inc();
            } else {
                refusals.inc();
                LOG.warn(
                        "Privacy budget of campaign {} is spent (epsilon {} of {}): window {} not released",
                        t.campaignId(),
                        o.stats().epsilonSpent(),
                        settings.budgetEpsilon(),
                        t.windowStart());
            }
            out.collect(o.stats());
        }
    }
}
