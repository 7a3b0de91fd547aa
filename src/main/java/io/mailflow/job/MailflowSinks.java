package io.mailflow.job;

import io.mailflow.campaigns.VariantTotal;
import io.mailflow.common.Uids;
import io.mailflow.delivery.SendOutcomeFunction;
import io.mailflow.feedback.FeedbackOutputs;
import io.mailflow.model.CampaignEvent;
import io.mailflow.model.CampaignStatus;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.DryRunDecision;
import io.mailflow.model.Event;
import io.mailflow.model.SendResult;
import io.mailflow.model.SessionSummary;
import io.mailflow.model.Suppression;
import io.mailflow.models.ModelOutputs;
import io.mailflow.scoring.CampaignUpliftModel;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Where the topology's outputs go. Production attaches Kafka sinks; tests attach collecting sinks to
 * run the very same topology. Each consumer must give the sink it adds a uid from {@link Uids}.
 *
 * @param variantTotals where the global bandit's totals go (the topic its source reads back); used only when
 *     {@link MailflowSources#variantTotals()} is set
 * @param upliftModels where the campaigns' uplift models go (the topic its source reads back); used only when
 *     {@link MailflowSources#upliftModels()} is set
 */
public record MailflowSinks(
        Consumer<DataStream<SessionSummary>> sessions,
        Consumer<DataStream<SendResult>> sendResults,
        Consumer<DataStream<DeadLetter>> deadLetters,
        Consumer<DataStream<Event>> lateEvents,
        Consumer<DataStream<Suppression>> suppressions,
        Consumer<DataStream<SendOutcomeFunction.AuditRecord>> audit,
        Consumer<ModelOutputs> models,
        Consumer<FeedbackOutputs> feedback,

        Consumer<DataStream<CampaignStatus>> campaignStatus,
        Consumer<DataStream<CampaignEvent>> campaignEvents,
        Consumer<DataStream<DryRunDecision>> decisions,
        Consumer<DataStream<VariantTotal>> variantTotals,
        Consumer<DataStream<CampaignUpliftModel>> upliftModels) {

    /** Sinks without uplift learning (no uplift models). */
    public MailflowSinks(
            Consumer<DataStream<SessionSummary>> sessions,
            Consumer<DataStream<SendResult>> sendResults,
            Consumer<DataStream<DeadLetter>> deadLetters,
            Consumer<DataStream<Event>> lateEvents,
            Consumer<DataStream<Suppression>> suppressions,
            Consumer<DataStream<SendOutcomeFunction.AuditRecord>> audit,
            Consumer<ModelOutputs> models,
            Consumer<FeedbackOutputs> feedback,
            Consumer<DataStream<CampaignStatus>> campaignStatus,
            Consumer<DataStream<CampaignEvent>> campaignEvents,
            Consumer<DataStream<DryRunDecision>> decisions,
            Consumer<DataStream<VariantTotal>> variantTotals) {
        this(
                sessions,
                sendResults,
                deadLetters,
                lateEvents,
                suppressions,
                audit,
                models,
                feedback,
                campaignStatus,
                campaignEvents,
                decisions,
                variantTotals,
                s -> s.sinkTo(new DiscardingSink<>())
                        .uid(Uids.UPLIFT_MODELS_SINK)
                        .name("uplift models discarded"));
    }

    /** Sinks for the per-instance bandit (no variant totals). */
    public MailflowSinks(
            Consumer<DataStream<SessionSummary>> sessions,
            Consumer<DataStream<SendResult>> sendResults,
            Consumer<DataStream<DeadLetter>> deadLetters,
            Consumer<DataStream<Event>> lateEvents,
            Consumer<DataStream<Suppression>> suppressions,
            Consumer<DataStream<SendOutcomeFunction.AuditRecord>> audit,
            Consumer<ModelOutputs> models,
            Consumer<FeedbackOutputs> feedback,
            Consumer<DataStream<CampaignStatus>> campaignStatus,
            Consumer<DataStream<CampaignEvent>> campaignEvents,
            Consumer<DataStream<DryRunDecision>> decisions) {
        this(
                sessions,
                sendResults,
                deadLetters,
                lateEvents,
                suppressions,
                audit,
                models,
                feedback,
                campaignStatus,
                campaignEvents,
                decisions,
                s -> s.sinkTo(new DiscardingSink<>())
                        .uid(Uids.VARIANT_TOTALS_SINK)
                        .name("variant totals discarded"));
    }

    /** Sinks whose dry-run decisions are discarded (for tests without dry runs). */
    public MailflowSinks(
            Consumer<DataStream<SessionSummary>> sessions,
            Consumer<DataStream<SendResult>> sendResults,
            Consumer<DataStream<DeadLetter>> deadLetters,
            Consumer<DataStream<Event>> lateEvents,
            Consumer<DataStream<Suppression>> suppressions,
            Consumer<DataStream<SendOutcomeFunction.AuditRecord>> audit,
            Consumer<ModelOutputs> models,
            Consumer<FeedbackOutputs> feedback,
            Consumer<DataStream<CampaignStatus>> campaignStatus,
            Consumer<DataStream<CampaignEvent>> campaignEvents) {
        this(
                sessions,
                sendResults,
                deadLetters,
                lateEvents,
                suppressions,
                audit,
                models,
                feedback,
                campaignStatus,
                campaignEvents,
                s -> s.sinkTo(new DiscardingSink<>()).uid(Uids.DECISIONS_SINK).name("dry-run decisions discarded"));
    }
}
