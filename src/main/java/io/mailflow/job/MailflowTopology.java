package io.mailflow.job;

import io.mailflow.campaigns.CampaignStage;
import io.mailflow.catalog.CatalogStage;
import io.mailflow.common.Uids;
import io.mailflow.config.MailflowConfig;
import io.mailflow.delivery.DeliveryStage;
import io.mailflow.delivery.MailClientFactory;
import io.mailflow.delivery.SendLedgerFactory;
import io.mailflow.email.EmailStage;
import io.mailflow.feedback.FeedbackOutputs;
import io.mailflow.feedback.FeedbackStage;
import io.mailflow.guardrails.GuardrailStage;
import io.mailflow.ingestion.IngestionStage;
import io.mailflow.model.CampaignEvent;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.DryRunDecision;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.models.ModelOutputs;
import io.mailflow.models.ModelStage;
import io.mailflow.profiles.ContactStage;
import io.mailflow.recommendations.RecoList;
import io.mailflow.recommendations.RecommendationStage;
import io.mailflow.sessions.SessionStage;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Mailflow data flow, independent of where data comes from and goes to. This is the only place
 * that wires stages together; each stage is one {@code attach} that takes its inputs and its own
 * settings and returns its outputs.
 *
 * <pre>
 * events -> ingestion (watermarks per partition, parse/validate, dedup) -> sessions (event-time session windows)
 * profiles, suppressions -> contacts (parse; erasures)
 * engagement topic -> parse/validate, dedup (read once: by the features and by the feedback stage)
 * sessions + purchases + erasures + engagement -> models: features -> k-means segments, FTRL propensity scores
 * sessions + segments -> recommendation model
 * campaign control topic + recommendation model --broadcast--> campaign triggers <- sessions, events, models
 *        [global bandit] triggers' variant deltas -> totals per campaign -> variant totals topic --broadcast--^
 *        -> [catalog enrichment, keyed by item: optional] -> profile join
 *        -> guardrails (paced at the relay's rate) -> e-mail (render) -> delivery (async SMTP) -> send results
 * send results + holdout decisions + engagement + purchases -> feedback: suppressions, attribution, campaign
 *        statistics with lift vs holdout and the programme's lift vs the global control group; + costs -> ROI
 * </pre>
 *
 * Every rejected record along the way leaves through the dead-letter output with its reason.
 */
public final class MailflowTopology {
    private MailflowTopology() {}

    /** The delivery side effects, injectable: how to reach the mail server and where the send ledger is. */
    public record Delivery(MailClientFactory clients, SendLedgerFactory ledger) {}

    /** As {@link #build(StreamExecutionEnvironment, PipelineSettings, MailflowSources, MailflowSinks, Delivery)}. */
    public static void build(
            StreamExecutionEnvironment env,
            MailflowConfig config,
            MailflowSources sources,
            MailflowSinks sinks,
            Delivery delivery) {
        build(env, PipelineSettings.from(config), sources, sinks, delivery);
    }

    public static void build(
            StreamExecutionEnvironment env,
            PipelineSettings settings,
            MailflowSources sources,
            MailflowSinks sinks,
            Delivery delivery) {
        env.setMaxParallelism(settings.maxParallelism());

        ContactStage.Contacts contacts =
                ContactStage.attach(env, sources.profiles(), sources.suppressions(), settings.contacts());

        IngestionStage.Outputs events =
                IngestionStage.attach(env, sources.events(), contacts.erasures(), settings.ingestion());
        SessionStage.Outputs sessions = SessionStage.attach(events.byUser(), settings.sessions());
        DataStream<Event> purchases = events.events()
                .filter(e -> e.type() == EventType.PURCHASE)
                .uid(Uids.PURCHASES)
                .name("purchases");

        // engagement is read first: the propensity model's features use it, attribution (further down) too
        FeedbackStage.Engagement engagement = FeedbackStage.engagement(env, sources.engagement(), settings.feedback());
        ModelOutputs models = ModelStage.attach(
                sessions.sessions(),
                purchases,
                contacts.erasures(),
                FeedbackStage.featureSignals(engagement),
                settings.models());
        DataStream<RecoList> recommendations =
                RecommendationStage.attach(sessions.sessions(), models.segments(), settings.recommendations());

        // the catalog feeds the catalog-driven triggers (back in stock, price drop) and the requests' enrichment
        CatalogStage.Catalog catalog =
                sources.catalog() == null ? null : CatalogStage.attach(env, sources.catalog(), settings.catalog());
        CampaignStage.Outputs campaigns = CampaignStage.attach(
                env,
                sources.campaigns(),
                sources.variantTotals(),
                sources.upliftModels(),
                new CampaignStage.Inputs(
                        sessions.sessions(),
                        events.events(),
                        models.segments(),
                        models.scores(),
                        models.features(),
                        contacts.erasures(),
                        recommendations,
                        catalog == null ? null : catalog.updates(),
                        contacts.contacts()),
                settings.campaigns());

        // With a catalog, requests are joined with their products before the profile join, so that a request the
        // catalog stops never counts towards a user's caps. Without one, nothing changes.
        DataStream<EmailRequest> requests = campaigns.requests();
        DataStream<DeadLetter> catalogDeadLetters = null;
        if (catalog != null) {
            CatalogStage.Enriched enriched = CatalogStage.enrich(requests, catalog.updates(), settings.catalog());
            requests = enriched.requests();
            catalogDeadLetters = catalog.deadLetters().union(enriched.deadLetters());
        }
        ContactStage.Addressed addressed = ContactStage.join(requests, contacts.contacts(), settings.contacts());
        GuardrailStage.Outputs released =
                GuardrailStage.attach(addressed.addressed(), contacts.suppressionsAndErasures(), settings.guardrails());
        // with encryption on, addresses and names stay encrypted from the profile parser to the SMTP client
        EmailStage.Outputs rendered = EmailStage.attach(released.released(), settings.email(), settings.encryption());
        DeliveryStage.Outputs sent = DeliveryStage.attach(
                rendered.rendered(), settings.delivery(), delivery.clients(), delivery.ledger(), settings.encryption());

        // holdout releases (campaign holdouts and the global control group) are the audience the lift compares
        // with; the campaigns' costs turn incremental revenue into ROI
        FeedbackOutputs feedback = FeedbackStage.attach(
                engagement,
                new FeedbackStage.Inputs(
                        sent.results(),
                        released.decisions(),
                        purchases,
                        campaigns.costs(),
                        CampaignStage.initialCosts(settings.campaigns().initial())),
                settings.feedback());

        // ---- outputs ----
        DataStream<DeadLetter> deadLetters = events.deadLetters()
                .union(
                        contacts.deadLetters(),
                        addressed.deadLetters(),
                        rendered.deadLetters(),
                        sent.deadLetters(),
                        feedback.deadLetters(),
                        campaigns.deadLetters());
        if (catalogDeadLetters != null) {
            deadLetters = deadLetters.union(catalogDeadLetters);
        }
        sinks.sessions().accept(sessions.sessions());
        sinks.sendResults().accept(sent.results());
        sinks.deadLetters().accept(deadLetters);
        sinks.lateEvents().accept(sessions.lateEvents());
        sinks.models().accept(models);
        sinks.suppressions().accept(sent.suppressions().union(addressed.erasureMarkers(), feedback.suppressions()));
        sinks.audit().accept(sent.audit());
        sinks.feedback().accept(feedback);
        sinks.campaignStatus().accept(campaigns.status());
        sinks.campaignEvents().accept(released.decisions());
        // a dry run's decisions: the guardrails' (a release becomes a SEND once rendered, with its subject)
        DataStream<DryRunDecision> dryRun = released.decisions()
                .filter(e -> e.dryRun() && e.outcome() != CampaignEvent.RELEASED)
                .uid(Uids.DRY_RUN_GUARDRAIL_DECISIONS)
                .name("dry-run guardrail decisions")
                .map(DryRunDecision::of)
                .uid(Uids.DRY_RUN_DECISIONS)
                .name("dry-run decisions");
        sinks.decisions().accept(dryRun.union(rendered.dryRunSends()));
        if (campaigns.variantTotals() != null) {
            // the global bandit's totals, read back by the campaign stage from the same topic
            sinks.variantTotals().accept(campaigns.variantTotals());
        }
        if (campaigns.upliftModels() != null) {
            // the campaigns' uplift models, read back by the campaign stage from the same topic
            sinks.upliftModels().accept(campaigns.upliftModels());
        }
    }
}
