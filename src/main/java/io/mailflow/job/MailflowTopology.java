package io.mailflow.job;

import static io.mailflow.config.MailflowOptions.DEDUP_TTL;
import static io.mailflow.config.MailflowOptions.DELIVERY_CAPACITY;
import static io.mailflow.config.MailflowOptions.DELIVERY_THREADS;
import static io.mailflow.config.MailflowOptions.DELIVERY_TIMEOUT;
import static io.mailflow.config.MailflowOptions.FROM_ADDRESS;
import static io.mailflow.config.MailflowOptions.FROM_NAME;
import static io.mailflow.config.MailflowOptions.IDLENESS;
import static io.mailflow.config.MailflowOptions.MAX_FUTURE_SKEW;
import static io.mailflow.config.MailflowOptions.MAX_OUT_OF_ORDERNESS;
import static io.mailflow.config.MailflowOptions.MAX_PARALLELISM;
import static io.mailflow.config.MailflowOptions.SESSION_GAP;
import static io.mailflow.config.MailflowOptions.SESSION_MAX_ITEMS;
import static io.mailflow.config.MailflowOptions.SHOP_URL;
import static io.mailflow.config.MailflowOptions.TEMPLATE_DIR;

import io.mailflow.campaigns.CampaignOutputs;
import io.mailflow.campaigns.CampaignPipeline;
import io.mailflow.config.MailflowConfig;
import io.mailflow.delivery.AsyncEmailSender;
import io.mailflow.delivery.MailClientFactory;
import io.mailflow.delivery.RateLimits;
import io.mailflow.delivery.RetryPolicy;
import io.mailflow.delivery.SendLedgerFactory;
import io.mailflow.delivery.SendOutcomeFunction;
import io.mailflow.config.MailflowOptions;
import io.mailflow.email.EmailComposer;
import io.mailflow.guardrails.Guardrails;
import io.mailflow.email.RenderFunction;
import io.mailflow.feedback.FeedbackOutputs;
import io.mailflow.feedback.FeedbackPipeline;
import io.mailflow.ingestion.DeduplicateFunction;
import io.mailflow.ingestion.EventValidator;
import io.mailflow.ingestion.ParseEventsFunction;
import io.mailflow.io.Untimed;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.RenderedEmail;
import io.mailflow.model.SendResult;
import io.mailflow.model.SessionSummary;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.RawRecord;
import io.mailflow.profiles.ParseProfilesFunction;
import io.mailflow.profiles.ParseSuppressionsFunction;
import io.mailflow.profiles.ProfileJoinFunction;
import io.mailflow.scoring.ModelOutputs;
import io.mailflow.scoring.ModelPipeline;
import io.mailflow.sessions.EmitSessionFunction;
import io.mailflow.sessions.SessionAggregateFunction;
import io.mailflow.sessions.SessionAggregator;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;

/**
 * The Mailflow data flow, independent of where data comes from and goes to:
 *
 * <pre>
 * events -> parse/validate -> watermarks -> dedup -> session windows -> campaign triggers
 *        -> profile join -> guardrails -> render (Velocity) -> async SMTP send -> send results
 * sessions + purchases -> features -> k-means segments, FTRL propensity scores ({@link ModelPipeline})
 * send results + engagement + purchases -> suppressions, attribution, campaign statistics ({@link FeedbackPipeline})
 * campaign control topic + recommendation model --broadcast--> campaign triggers ({@link CampaignPipeline})
 * </pre>
 *
 * Every rejected record along the way leaves through the dead-letter output with its reason.
 */
public final class MailflowTopology {
    private MailflowTopology() {}

    /** The delivery side effects, injectable: how to reach the mail server and where the send ledger is. */
    public record Delivery(MailClientFactory clients, SendLedgerFactory ledger) {}

    public static void build(
            StreamExecutionEnvironment env,
            MailflowConfig config,
            MailflowSources sources,
            MailflowSinks sinks,
            Delivery mailClients) {
        env.setMaxParallelism(config.get(MAX_PARALLELISM));

        // ---- ingestion ----
        SingleOutputStreamOperator<Event> parsed = env
                .fromSource(sources.events(), WatermarkStrategy.noWatermarks(), "events")
                .uid(Uids.EVENTS_SOURCE)
                .process(new ParseEventsFunction(new EventValidator(config.get(MAX_FUTURE_SKEW))))
                .uid(Uids.PARSE_EVENTS)
                .name("parse and validate events");

        DataStream<Event> timed = parsed
                .assignTimestampsAndWatermarks(watermarks(config))
                .uid(Uids.WATERMARKS)
                .name("event-time watermarks");

        SingleOutputStreamOperator<Event> unique = timed
                .keyBy(Event::userId)
                .process(new DeduplicateFunction(config.get(DEDUP_TTL)))
                .uid(Uids.DEDUPLICATE)
                .name("drop duplicate events");
        KeyedStream<Event, String> byUser = DataStreamUtils.reinterpretAsKeyedStream(unique, Event::userId);

        // ---- sessions ----
        SessionAggregator aggregator = new SessionAggregator(config.get(SESSION_MAX_ITEMS));
        SingleOutputStreamOperator<SessionSummary> sessions = byUser
                .window(EventTimeSessionWindows.withGap(config.get(SESSION_GAP)))
                .sideOutputLateData(Tags.LATE_EVENTS)
                .aggregate(new SessionAggregateFunction(aggregator), new EmitSessionFunction(aggregator))
                .uid(Uids.SESSION_WINDOW)
                .name("session windows");

        // ---- triggers ----
        DataStream<Event> purchases = unique
                .filter(e -> e.type() == EventType.PURCHASE)
                .uid(Uids.PURCHASES)
                .name("purchases");

        // ---- contacts: profiles, suppressions, erasures ----
        SingleOutputStreamOperator<ContactUpdate> profiles = env
                .fromSource(sources.profiles(), contactWatermarks(config), "profiles")
                .setParallelism(1) // one partition: a reader without one would hold event time back
                .uid(Uids.PROFILES_SOURCE)
                .process(new ParseProfilesFunction())
                .uid(Uids.PARSE_PROFILES)
                .name("parse profiles");
        SingleOutputStreamOperator<ContactUpdate> suppressionEvents = env
                .fromSource(sources.suppressions(), contactWatermarks(config), "suppressions")
                .setParallelism(1)
                .uid(Uids.SUPPRESSIONS_SOURCE)
                .process(new ParseSuppressionsFunction())
                .uid(Uids.PARSE_SUPPRESSIONS)
                .name("parse suppressions");
        DataStream<ContactUpdate> contacts = profiles.union(suppressionEvents);
        DataStream<String> erasures = contacts
                .filter(c -> c.kind() == ContactUpdate.Kind.ERASE)
                .uid(Uids.ERASURES)
                .name("erasures")
                .map(ContactUpdate::userId)
                .uid(Uids.ERASED_IDS)
                .name("erased users");
        DataStream<ContactUpdate> suppressionsAndErasures = contacts
                .filter(c -> c.kind() != ContactUpdate.Kind.PROFILE)
                .uid(Uids.SUPPRESSION_UPDATES)
                .name("suppressions and erasures");

        // ---- models: features, segments, propensity ----
        ModelOutputs models = ModelPipeline.attach(sessions, purchases, erasures, config);

        CampaignOutputs campaigns = CampaignPipeline.attach(env, config, sources.campaigns(), sessions, unique, models, erasures);
        DataStream<EmailRequest> requests = campaigns.requests();

        // ---- e-mail ----
        SingleOutputStreamOperator<AddressedRequest> addressed = requests
                .keyBy(EmailRequest::userId)
                .connect(contacts.keyBy(ContactUpdate::userId))
                .process(new ProfileJoinFunction(config.get(MailflowOptions.PROFILE_GRACE)))
                .uid(Uids.PROFILE_JOIN)
                .name("join profiles");
        SingleOutputStreamOperator<AddressedRequest> allowed = Guardrails.attach(addressed, suppressionsAndErasures, config);
        SingleOutputStreamOperator<RenderedEmail> rendered = allowed
                .process(new RenderFunction(composerSettings(config)))
                .uid(Uids.RENDER)
                .name("render e-mail");

        // ---- delivery ----
        int capacity = config.get(DELIVERY_CAPACITY);
        Duration timeout = config.get(DELIVERY_TIMEOUT);
        DataStream<SendResult> attempts = AsyncDataStream.unorderedWait(
                        rendered,
                        new AsyncEmailSender(
                                mailClients.clients(),
                                mailClients.ledger(),
                                config.get(DELIVERY_THREADS),
                                capacity,
                                new RetryPolicy(config.get(MailflowOptions.MAX_ATTEMPTS),
                                        config.get(MailflowOptions.RETRY_BASE).toMillis(),
                                        config.get(MailflowOptions.RETRY_MAX).toMillis()),
                                new RateLimits.Config(config.get(MailflowOptions.RELAY_RATE_LIMIT),
                                        config.get(MailflowOptions.DOMAIN_RATE_LIMIT))),
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS,
                        capacity)
                .uid(Uids.SEND)
                .name("send e-mail (async SMTP)");
        SingleOutputStreamOperator<SendResult> results = attempts
                .process(new SendOutcomeFunction())
                .uid(Uids.SEND_OUTCOMES)
                .name("send outcomes");

        // ---- feedback: engagement, attribution, campaign statistics (io.mailflow.feedback) ----
        FeedbackOutputs feedback = FeedbackPipeline.attach(env, config, sources.engagement(), results, purchases);

        // ---- outputs ----
        DataStream<DeadLetter> deadLetters = parsed.getSideOutput(Tags.DEAD_LETTERS)
                .union(
                        profiles.getSideOutput(Tags.DEAD_LETTERS),
                        suppressionEvents.getSideOutput(Tags.DEAD_LETTERS),
                        addressed.getSideOutput(Tags.DEAD_LETTERS),
                        rendered.getSideOutput(Tags.DEAD_LETTERS),
                        results.getSideOutput(Tags.DEAD_LETTERS),
                        feedback.deadLetters(),
                        campaigns.deadLetters());
        sinks.sessions().accept(sessions);
        sinks.sendResults().accept(results);
        sinks.deadLetters().accept(deadLetters);
        sinks.lateEvents().accept(sessions.getSideOutput(Tags.LATE_EVENTS));
        sinks.models().accept(models);
        sinks.suppressions().accept(results.getSideOutput(SendOutcomeFunction.SUPPRESSIONS)
                .union(addressed.getSideOutput(ProfileJoinFunction.ERASURES), feedback.suppressions()));
        sinks.audit().accept(results.getSideOutput(SendOutcomeFunction.AUDIT));
        sinks.feedback().accept(feedback);
        sinks.campaignStatus().accept(campaigns.status());
        sinks.campaignEvents().accept(allowed.getSideOutput(Tags.CAMPAIGN_EVENTS));
    }

    static EmailComposer.Settings composerSettings(MailflowConfig config) {
        return new EmailComposer.Settings(
                config.get(TEMPLATE_DIR),
                config.get(FROM_ADDRESS),
                config.get(MailflowOptions.TRACKING_BASE_URL),
                config.get(MailflowOptions.UNSUBSCRIBE_MAILTO),
                config.get(MailflowOptions.OPEN_PIXEL),
                config.get(MailflowOptions.LINK_TTL),
                config.linkSecret(),
                Map.of("shopUrl", config.get(SHOP_URL), "shopName", config.get(FROM_NAME)));
    }

    /**
     * Contact topics (profiles, suppressions) carry no event time. In a live job they are marked idle
     * ({@link Untimed}), so the requests alone drive the contact guardrail's event time: their own clock
     * (Kafka append time) is in another time domain and would, whenever the events went quiet, push event
     * time far ahead of the data. A bounded run holds every decision until the contact topics are read to
     * their end.
     */
    static WatermarkStrategy<RawRecord> contactWatermarks(MailflowConfig config) {
        return config.get(MailflowOptions.BOUNDED) ? WatermarkStrategy.noWatermarks() : Untimed.watermarks();
    }

    static WatermarkStrategy<Event> watermarks(MailflowConfig config) {
        WatermarkStrategy<Event> s = WatermarkStrategy.<Event>forBoundedOutOfOrderness(config.get(MAX_OUT_OF_ORDERNESS))
                .withTimestampAssigner((e, previous) -> e.timestamp());
        Duration idle = config.get(IDLENESS);
        return idle.isZero() ? s : s.withIdleness(idle);
    }
}
