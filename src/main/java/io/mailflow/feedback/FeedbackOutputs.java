package io.mailflow.feedback;

import io.mailflow.model.DeadLetter;
import io.mailflow.model.Suppression;
import java.util.Optional;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The streams {@link FeedbackStage#attach} produces.
 *
 * @param deadLetters invalid engagement records, and funnel events too late for their statistics window
 * @param suppressions UNSUBSCRIBED, COMPLAINED and BOUNCED suppressions, for the suppressions topic
 * @param funnel attributed, de-duplicated funnel events (sends, engagement, conversions with revenue)
 * @param campaignStats statistics per campaign, variant and event-time window
 * @param engagementFeatures per-user e-mail engagement features, on every change
 * @param dpCampaignStats differentially private statistics per campaign and window, when enabled
 */
public record FeedbackOutputs(
        DataStream<DeadLetter> deadLetters,
        DataStream<Suppression> suppressions,
        DataStream<FunnelEvent> funnel,
        DataStream<CampaignStats> campaignStats,
        DataStream<EngagementFeatures> engagementFeatures,
        Optional<DataStream<DpCampaignStats>> dpCampaignStats) {}
