package io.mailflow.feedback;

import io.mailflow.common.Tags;
import io.mailflow.common.Uids;
import io.mailflow.features.FeatureSignal;
import io.mailflow.io.EndOfInputWatermarks;
import io.mailflow.io.Json;
import io.mailflow.io.PartitionWatermarks;
import io.mailflow.io.Untimed;
import io.mailflow.model.CampaignCostUpdate;
import io.mailflow.model.CampaignEvent;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.Event;
import io.mailflow.model.RawRecord;
import io.mailflow.model.SendResult;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Closes the loop from sent e-mails to what recipients did with them:
 *
 * <pre>
 * engagement topic -> parse/validate -> watermarks -> de-duplicate by eventId (per user) -+
 *                          +-> (unsubscribe, complaint, hard bounce) -> suppressions         |
 * send results ----------------------------------------+
 * holdout decisions (campaign holdout, control group) -+
 * purchases -------------------------------------------+-> attribution (keyed by user, event-time order)
 *                                                            +-> engagement features (per user)
 *                                                            +-> (+ programme copies) campaign statistics (per
 *                                                                campaign, tumbling window) -> costs, ROI
 *                                                                                              ^ campaign costs
 *                                                            +-> DP statistics (optional: clip per user, sum, noise)
 * </pre>
 *
 * Suppressions leave straight from parsing: they must not wait for any watermark. Holdout decisions are the
 * guardrails' {@code HOLDOUT} releases: without them a holdout has no audience and no lift can be computed.
 */
public final class FeedbackStage {
    /** Funnel events that arrive after their statistics window (and its allowed lateness) closed. */
    public static final OutputTag<FunnelEvent> LATE_FUNNEL = new OutputTag<>("late-funnel-events") {};

    private FeedbackStage() {}

    /**
     * What the feedback stage reads besides the engagement topic.
     *
     * @param results send results with event-time timestamps (the decision time) and watermarks
     * @param decisions the guardrails' decisions with event-time timestamps and watermarks (their holdout releases
     *     are the holdout's and the control group's audience); null for none
     * @param purchases purchase events with event-time timestamps and watermarks
     * @param costUpdates campaign costs from control-topic definitions; null for none
     * @param initialCosts the costs of the campaigns in force from the start, by campaign id
     */
    public record Inputs(
            DataStream<SendResult> results,
            DataStream<CampaignEvent> decisions,
            DataStream<Event> purchases,
            DataStream<CampaignCostUpdate> costUpdates,
            Map<String, CampaignCostUpdate> initialCosts) {}

    /** Without holdout decisions or costs: holdouts reach the funnel only as send results. */
    public static FeedbackOutputs attach(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> engagementSource,
            DataStream<SendResult> results,
            DataStream<Event> purchases,
            FeedbackSettings settings) {
        return attach(env, engagementSource, new Inputs(results, null, purchases, null, Map.of()), settings);
    }

    public static FeedbackOutputs attach(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> engagementSource,
            Inputs in,
            FeedbackSettings settings) {
        return attach(engagement(env, engagementSource, settings), in, settings);
    }

    /**
     * The engagement topic read, parsed, validated, timed and de-duplicated: the first half of this stage, which
     * depends on nothing the job computes, so the models can read it too ({@link #featureSignals}) without a
     * cycle through the e-mails they cause.
     *
     * @param parsed the parser's output (its side outputs: dead letters and suppressions)
     * @param engaged every engagement event once, as a funnel event, on the subtask that owns its user
     */
    public record Engagement(SingleOutputStreamOperator<EngagementEvent> parsed, DataStream<FunnelEvent> engaged) {}

    public static Engagement engagement(
            StreamExecutionEnvironment env, Source<RawRecord, ?, ?> engagementSource, FeedbackSettings settings) {
        SingleOutputStreamOperator<EngagementEvent> engagement = env.fromSource(
                        engagementSource, watermarks(settings), "engagement")
                .uid(Uids.ENGAGEMENT_SOURCE)
                .process(new ParseEngagementFunction(
                        new EngagementValidator(settings.maxFutureSkew(), settings.maxAheadOfStream())))
                .uid(Uids.PARSE_ENGAGEMENT)
                .name("parse and validate engagement");
        DataStream<EngagementEvent> timedEngagement =
                EndOfInputWatermarks.apply(engagement, settings.end(), Uids.ENGAGEMENT_END_OF_INPUT);
        // each event once: provider webhooks, the tracking service's spool and producer retries deliver some twice
        DataStream<FunnelEvent> engaged = timedEngagement
                .keyBy(EngagementEvent::userId)
                .process(new DeduplicateEngagementFunction(settings.dedupTtl(), settings.dedupMaxIds()))
                .uid(Uids.DEDUPLICATE_ENGAGEMENT)
                .name("de-duplicate engagement by eventId")
                .map(Funnel::fromEngagement)
                .uid(Uids.ENGAGEMENT_TO_FUNNEL)
                .name("engagement to funnel");
        return new Engagement(engagement, engaged);
    }

    /** The engagement that the propensity model's features use (opens by a person, clicks, unsubscribes, ...). */
    public static DataStream<FeatureSignal> featureSignals(Engagement engagement) {
        // untimed for the features: the engagement topic's event time (quiet, or behind the events' when webhooks
        // lag) must not hold back the feature operator's, which drives segments, scores and the triggers' timers
        return engagement
                .engaged()
                .flatMap(new EngagementSignals())
                .uid(Uids.ENGAGEMENT_FEATURE_SIGNALS)
                .name("engagement as feature signals")
                .assignTimestampsAndWatermarks(Untimed.<FeatureSignal>idle())
                .uid(Uids.ENGAGEMENT_FEATURE_SIGNALS_UNTIMED)
                .name("engagement signals without event time");
    }

    /** The second half of this stage, over the engagement read by {@link #engagement}. */
    public static FeedbackOutputs attach(Engagement read, Inputs in, FeedbackSettings settings) {
        DataStream<SendResult> results = in.results();
        DataStream<Event> purchases = in.purchases();
        SingleOutputStreamOperator<EngagementEvent> engagement = read.parsed();
        DataStream<FunnelEvent> engaged = read.engaged();

        DataStream<FunnelEvent> sends =
                results.process(new SendsToFunnel()).uid(Uids.SENDS_TO_FUNNEL).name("sends to funnel");
        if (in.decisions() != null) {
            sends = sends.union(in.decisions()
                    .process(new DecisionsToFunnel())
                    .uid(Uids.DECISIONS_TO_FUNNEL)
                    .name("holdout decisions to funnel"));
        }
        DataStream<FunnelEvent> bought = purchases
                .map(Funnel::fromPurchase)
                .uid(Uids.PURCHASES_TO_FUNNEL)
                .name("purchases to funnel");

        SingleOutputStreamOperator<FunnelEvent> funnel = sends.union(engaged, bought)
                .keyBy(FunnelEvent::userId)
                .process(new AttributionFunction(settings.attributionWindow()))
                .uid(Uids.ATTRIBUTION)
                .name("attribution (last touch)");

        SingleOutputStreamOperator<EngagementFeatures> features = DataStreamUtils.reinterpretAsKeyedStream(
                        funnel, FunnelEvent::userId)
                .process(new EngagementFeatureFunction(settings.featuresDecayHalfLife(), settings.featuresTtl()))
                .uid(Uids.ENGAGEMENT_FEATURES)
                .name("engagement features");

        // every event once for its campaign, and mailed e-mails and control assignments once more for the programme
        SingleOutputStreamOperator<CampaignStats> stats = funnel.process(new WithProgrammeCopies())
                .uid(Uids.PROGRAMME_FUNNEL)
                .name("funnel with the programme's copies")
                .keyBy(FunnelEvent::campaignId)
                .window(TumblingEventTimeWindows.of(settings.statsWindow()))
                .allowedLateness(settings.statsAllowedLateness())
                .sideOutputLateData(LATE_FUNNEL)
                .aggregate(new CampaignStatsFunctions.Count(), new CampaignStatsFunctions.Emit())
                .uid(Uids.CAMPAIGN_STATS_WINDOW)
                .name("campaign statistics");
        // without cost updates (a test of the statistics alone) there are no costs, so no ROI to add
        DataStream<CampaignStats> statsWithRoi = in.costUpdates() == null
                ? stats
                : stats.connect(in.costUpdates().broadcast(RoiFunction.COSTS))
                        .process(new RoiFunction(in.initialCosts()))
                        .uid(Uids.CAMPAIGN_ROI)
                        .name("campaign costs and ROI");

        DataStream<DeadLetter> late = stats.getSideOutput(LATE_FUNNEL)
                .map(e -> DeadLetter.of("stats", "funnel event too late for its statistics window", Json.toText(e)))
                .uid(Uids.LATE_FUNNEL_EVENTS)
                .name("late funnel events");

        return new FeedbackOutputs(
                engagement.getSideOutput(Tags.DEAD_LETTERS).union(late),
                engagement.getSideOutput(ParseEngagementFunction.SUPPRESSIONS),
                funnel,
                statsWithRoi,
                features,
                settings.dp().enabled() ? Optional.of(differentiallyPrivate(funnel, settings)) : Optional.empty());
    }

    /**
     * The differentially private statistics, beside the exact ones and in the same tumbling windows: each
     * user's contribution to a campaign window is summed and clipped (keyed by campaign and user), the
     * clipped contributions are summed per campaign, and the campaign's budget operator adds the noise.
     * Without allowed lateness: a window is released once, and events later than the watermark are left out
     * of these figures (they still reach the exact statistics).
     */
    static DataStream<DpCampaignStats> differentiallyPrivate(DataStream<FunnelEvent> funnel, FeedbackSettings s) {
        DpSettings dp = s.dp();
        return funnel.filter(DpContribution::counts)
                .uid(Uids.DP_FUNNEL_FILTER)
                .name("DP: contributing funnel events")
                .keyBy(e -> e.campaignId() + '\u0000' + e.userId())
                .window(TumblingEventTimeWindows.of(s.statsWindow()))
                .aggregate(new DpStatsFunctions.Contribute(dp))
                .uid(Uids.DP_USER_CONTRIBUTIONS)
                .name("DP: clipped contribution per user")
                .keyBy(DpContribution::campaignId)
                .window(TumblingEventTimeWindows.of(s.statsWindow()))
                .aggregate(new DpStatsFunctions.Sum(), new DpStatsFunctions.StampWindow())
                .uid(Uids.DP_CAMPAIGN_SUMS)
                .name("DP: sums per campaign")
                .keyBy(DpTally::campaignId)
                .process(new DpStatsFunctions.Publish(dp))
                .uid(Uids.DP_PUBLISH)
                .name("DP: budget and noise");
    }

    /** Per-partition watermarks in the source, from the engagement events' {@code timestamp} (see {@link PartitionWatermarks}). */
    static WatermarkStrategy<RawRecord> watermarks(FeedbackSettings settings) {
        return PartitionWatermarks.of(
                "timestamp",
                EngagementValidator.MAX_PAYLOAD_BYTES,
                settings.maxOutOfOrderness(),
                settings.idleness(),
                settings.maxFutureSkew(),
                settings.maxAheadOfStream());
    }

    /** Holdout and control-group releases to {@code ASSIGNED} funnel events at their event time. */
    static final class DecisionsToFunnel extends ProcessFunction<CampaignEvent, FunnelEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(CampaignEvent d, Context ctx, Collector<FunnelEvent> out) {
            FunnelEvent e = Funnel.fromDecision(d, ctx.timestamp() == null ? d.at() : ctx.timestamp());
            if (e != null) {
                out.collect(e);
            }
        }
    }

    /** Each funnel event, and its copy for the programme's statistics where there is one ({@link Funnel#programme}). */
    static final class WithProgrammeCopies extends ProcessFunction<FunnelEvent, FunnelEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(FunnelEvent e, Context ctx, Collector<FunnelEvent> out) {
            out.collect(e);
            FunnelEvent copy = Funnel.programme(e);
            if (copy != null) {
                out.collect(copy);
            }
        }
    }

    /** Send results to funnel events at their event time (the decision time the result carries). */
    static final class SendsToFunnel extends ProcessFunction<SendResult, FunnelEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(SendResult r, Context ctx, Collector<FunnelEvent> out) {
            FunnelEvent e = Funnel.fromSend(r, ctx.timestamp() == null ? r.sentAt() : ctx.timestamp());
            if (e != null) {
                out.collect(e);
            }
        }
    }
}
