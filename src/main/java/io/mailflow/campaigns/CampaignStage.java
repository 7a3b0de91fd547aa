package io.mailflow.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.campaigns.watch.ItemSignal;
import io.mailflow.campaigns.watch.ItemWatchFunction;
import io.mailflow.campaigns.watch.WatchIndexFunction;
import io.mailflow.common.Tags;
import io.mailflow.common.Uids;
import io.mailflow.features.UserFeatures;
import io.mailflow.io.Untimed;
import io.mailflow.model.CampaignCostUpdate;
import io.mailflow.model.CampaignStatus;
import io.mailflow.model.CatalogUpdate;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.RawRecord;
import io.mailflow.model.SessionSummary;
import io.mailflow.recommendations.RecoList;
import io.mailflow.scoring.CampaignUpliftModel;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.scoring.UpliftExample;
import io.mailflow.scoring.UpliftTrainer;
import io.mailflow.segmentation.SegmentAssignment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The campaign data flow:
 *
 * <pre>
 * control topic -> parse/validate --(campaign updates)--+
 * recommendation model ---------------------------------+--broadcast--+
 * sessions, events, segments, scores, features, erasures -> (union, keyed by user) -> triggers -> e-mail requests
 * [with a catalog] views, carts, erasures (keyed by user) -> watch index -> views, carts, one erasure per watched item
 *        + catalog changes (keyed by item) + campaigns, fallback erasures --broadcast--> item watchers
 *        -> back-in-stock / price-drop signals (to the user-keyed triggers above)
 * [global bandit] triggers --(variant deltas, at clock ticks)--> keyBy(campaign) -> variant totals -> totals topic
 *        totals topic -> parse --(dead letters)--> (broadcast with the campaigns, above) -> triggers
 * [uplift] triggers --(decision outcomes)--> keyBy(campaign) -> uplift trainer -> uplift models topic
 *        uplift models topic -> parse --(dead letters)--> (broadcast with the campaigns, above) -> triggers
 * </pre>
 *
 * A DataStream graph has no cycles (Flink 2 has no iterations), so the totals reach the triggers through a
 * compacted topic that the job writes and reads back: see {@link VariantTotalsFunction} and docs/campaigns.md.
 */
public final class CampaignStage {
    private CampaignStage() {}

    /**
     * What the triggers listen to: every stream is keyed by user inside the stage, except the catalog's changes
     * (keyed by item, with views and carts, for the catalog-driven triggers; null without a catalog).
     */
    public record Inputs(
            DataStream<SessionSummary> sessions,
            DataStream<Event> events,
            DataStream<SegmentAssignment> segments,
            DataStream<PropensityScore> scores,
            DataStream<UserFeatures> features,
            DataStream<String> erasures,
            DataStream<RecoList> recommendations,
            DataStream<CatalogUpdate> catalog,
            DataStream<ContactUpdate> profiles) {

        /** Inputs without the profiles' time zones: scheduled sends go out at their local time in UTC. */
        public Inputs(
                DataStream<SessionSummary> sessions,
                DataStream<Event> events,
                DataStream<SegmentAssignment> segments,
                DataStream<PropensityScore> scores,
                DataStream<UserFeatures> features,
                DataStream<String> erasures,
                DataStream<RecoList> recommendations,
                DataStream<CatalogUpdate> catalog) {
            this(sessions, events, segments, scores, features, erasures, recommendations, catalog, null);
        }

        /** Inputs without a catalog: no catalog-driven triggers. */
        public Inputs(
                DataStream<SessionSummary> sessions,
                DataStream<Event> events,
                DataStream<SegmentAssignment> segments,
                DataStream<PropensityScore> scores,
                DataStream<UserFeatures> features,
                DataStream<String> erasures,
                DataStream<RecoList> recommendations) {
            this(sessions, events, segments, scores, features, erasures, recommendations, null, null);
        }
    }

    /**
     * @param requests e-mail requests with their "why" (join them by user)
     * @param status campaign definitions applied, ignored or rejected
     * @param deadLetters rejected campaign documents with the reason
     * @param costs the costs of every valid control-topic definition (for ROI in the statistics; those of
     *     {@code campaigns.file} are in {@link #initialCosts})
     * @param variantTotals the global bandit's job-wide variant totals, for the totals topic (null with the
     *     per-instance bandit)
     * @param upliftModels the campaigns' uplift model versions, for the uplift models topic (null without it)
     */
    public record Outputs(
            DataStream<EmailRequest> requests,
            DataStream<CampaignStatus> status,
            DataStream<DeadLetter> deadLetters,
            DataStream<CampaignCostUpdate> costs,
            DataStream<VariantTotal> variantTotals,
            DataStream<CampaignUpliftModel> upliftModels) {}

    /** The costs of the definitions in force from the start, by campaign id. */
    public static Map<String, CampaignCostUpdate> initialCosts(List<CampaignDefinition> initial) {
        Map<String, CampaignCostUpdate> out = new LinkedHashMap<>();
        for (CampaignDefinition d : initial) {
            out.put(d.id(), costs(d));
        }
        return out;
    }

    static CampaignCostUpdate costs(CampaignDefinition d) {
        return new CampaignCostUpdate(d.id(), d.version(), d.costsOrNone());
    }

    /** The campaign stage with the per-instance bandit (see the other {@code attach}). */
    public static Outputs attach(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> campaignSource,
            Inputs in,
            CampaignSettings settings) {
        return attach(env, campaignSource, null, in, settings);
    }

    /**
     * @param variantTotalsSource the totals topic of the global bandit (null: the per-instance bandit); the job
     *     writes {@link Outputs#variantTotals()} to it and reads them back here
     */
    public static Outputs attach(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> campaignSource,
            Source<RawRecord, ?, ?> variantTotalsSource,
            Inputs in,
            CampaignSettings settings) {
        return attach(env, campaignSource, variantTotalsSource, null, in, settings);
    }

    /**
     * @param upliftModelsSource the uplift models topic (null: no uplift learning, and uplift-targeted campaigns
     *     e-mail every non-holdout user); the job writes {@link Outputs#upliftModels()} to it and reads them back
     *     here, as it does the global bandit's totals
     */
    public static Outputs attach(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> campaignSource,
            Source<RawRecord, ?, ?> variantTotalsSource,
            Source<RawRecord, ?, ?> upliftModelsSource,
            Inputs in,
            CampaignSettings settings) {
        boolean global = variantTotalsSource != null;
        if (global != settings.triggers().globalBandit()) {
            throw new IllegalArgumentException(
                    "The global bandit needs both a variant totals source and a report interval, or neither");
        }
        // ---- campaign definitions ----
        SingleOutputStreamOperator<CampaignUpdate> updates = env.fromSource(
                        campaignSource, Untimed.watermarks(), "campaigns")
                .setParallelism(1) // see Untimed: a reader without a partition would hold event time back
                .uid(Uids.CAMPAIGNS_SOURCE)
                .process(new ParseCampaignsFunction(new CampaignParser(new TemplateCatalog(settings.templateDir()))))
                .uid(Uids.PARSE_CAMPAIGNS)
                .name("parse and validate campaigns");

        // ---- triggers ----
        TypeInformation<ControlMessage> controlType = TypeInformation.of(ControlMessage.class);
        DataStream<ControlMessage> control = updates.map(ControlMessage::of)
                .returns(controlType)
                .uid(Uids.CAMPAIGN_CONTROL)
                .name("campaign control")
                .union(
                        in.recommendations()
                                .map(ControlMessage::of)
                                .returns(controlType)
                                .uid(Uids.RECOMMENDATION_CONTROL)
                                .name("recommendation control"),
                        scheduleClock(in.events()));
        SingleOutputStreamOperator<VariantTotal> totalsIn = null;
        if (global) {
            totalsIn = env.fromSource(variantTotalsSource, Untimed.watermarks(), "variant totals")
                    .setParallelism(1) // one compacted partition; see Untimed
                    .uid(Uids.VARIANT_TOTALS_SOURCE)
                    .process(new ParseVariantTotalsFunction())
                    .setParallelism(1)
                    .uid(Uids.PARSE_VARIANT_TOTALS)
                    .name("parse variant totals");
            control = control.union(totalsIn.map(ControlMessage::of)
                    .returns(controlType)
                    .setParallelism(1)
                    .uid(Uids.VARIANT_TOTALS_CONTROL)
                    .name("variant totals control"));
        }
        SingleOutputStreamOperator<CampaignUpliftModel> upliftIn = null;
        if (upliftModelsSource != null) {
            upliftIn = env.fromSource(upliftModelsSource, Untimed.watermarks(), "uplift models")
                    .setParallelism(1) // one compacted partition; see Untimed
                    .uid(Uids.UPLIFT_MODELS_SOURCE)
                    .process(new ParseUpliftModelsFunction())
                    .setParallelism(1)
                    .uid(Uids.PARSE_UPLIFT_MODELS)
                    .name("parse uplift models");
            control = control.union(upliftIn.map(ControlMessage::of)
                    .returns(controlType)
                    .setParallelism(1)
                    .uid(Uids.UPLIFT_MODELS_CONTROL)
                    .name("uplift models control"));
        }
        BroadcastStream<ControlMessage> broadcast = control.broadcast(
                Descriptors.CAMPAIGNS,
                Descriptors.RECOMMENDATIONS,
                Descriptors.VARIANT_TOTALS,
                Descriptors.UPLIFT_MODELS);

        TypeInformation<UserSignal> signal = TypeInformation.of(UserSignal.class);
        DataStream<UserSignal> signals = in.sessions()
                .map(UserSignal::of)
                .returns(signal)
                .uid(Uids.SIGNAL_SESSIONS)
                .name("sessions as trigger signals")
                .union(
                        in.events()
                                .filter(e -> e.type() == EventType.VIEW
                                        || e.type() == EventType.ADD_TO_CART
                                        || e.type() == EventType.PURCHASE)
                                .uid(Uids.SIGNAL_EVENTS_FILTER)
                                .name("views, carts and purchases")
                                .map(UserSignal::of)
                                .returns(signal)
                                .uid(Uids.SIGNAL_EVENTS)
                                .name("events as trigger signals"),
                        in.segments()
                                .map(UserSignal::of)
                                .returns(signal)
                                .uid(Uids.SIGNAL_SEGMENTS)
                                .name("segments as trigger signals"),
                        in.scores()
                                .map(UserSignal::of)
                                .returns(signal)
                                .uid(Uids.SIGNAL_SCORES)
                                .name("scores as trigger signals"),
                        in.features()
                                .map(UserSignal::of)
                                .returns(signal)
                                .uid(Uids.SIGNAL_FEATURES)
                                .name("features as trigger signals"),
                        in.erasures()
                                .map(UserSignal::erasure)
                                .returns(signal)
                                .uid(Uids.SIGNAL_ERASURES)
                                .name("erasures as trigger signals"));

        if (in.catalog() != null) {
            signals = signals.union(watchItems(in, updates, settings));
        }
        if (in.profiles() != null) {
            signals = signals.union(in.profiles()
                    .filter(u -> u.kind() == ContactUpdate.Kind.PROFILE && u.profile() != null)
                    .uid(Uids.SIGNAL_ZONES_FILTER)
                    .name("profiles for scheduled sends")
                    // a consenting profile makes a recipient of scheduled sends ("" without a zone); null removes one
                    .map(u -> UserSignal.zone(
                            u.userId(),
                            u.profile().consent()
                                    ? (u.profile().timeZone() == null
                                            ? ""
                                            : u.profile().timeZone())
                                    : null,
                            u.at()))
                    .returns(signal)
                    .uid(Uids.SIGNAL_ZONES)
                    .name("profile zones as trigger signals"));
        }

        SingleOutputStreamOperator<EmailRequest> requests = signals.keyBy(UserSignal::userId)
                .connect(broadcast)
                .process(new TriggerFunction(
                        settings.triggers().withUpliftLearning(upliftModelsSource != null), settings.initial()))
                .uid(Uids.CAMPAIGN_TRIGGERS)
                .name("campaign triggers");

        DataStream<DeadLetter> deadLetters = updates.getSideOutput(Tags.DEAD_LETTERS);
        DataStream<VariantTotal> totals = null;
        if (global) {
            deadLetters = deadLetters.union(totalsIn.getSideOutput(Tags.DEAD_LETTERS));
            totals = requests.getSideOutput(Descriptors.VARIANT_DELTAS)
                    .keyBy(VariantStats::campaignId)
                    .process(new VariantTotalsFunction())
                    .returns(VariantTotal.class)
                    .uid(Uids.VARIANT_TOTALS)
                    .name("variant totals");
        }
        DataStream<CampaignUpliftModel> upliftModels = null;
        if (upliftIn != null) {
            deadLetters = deadLetters.union(upliftIn.getSideOutput(Tags.DEAD_LETTERS));
            upliftModels = requests.getSideOutput(Descriptors.UPLIFT_EXAMPLES)
                    .keyBy(UpliftExample::campaignId)
                    .process(new UpliftTrainer(
                            settings.uplift().learner(), settings.uplift().publishEvery()))
                    .returns(CampaignUpliftModel.class)
                    .uid(Uids.UPLIFT_TRAINER)
                    .name("uplift trainer");
        }
        return new Outputs(
                requests,
                updates.getSideOutput(Tags.CAMPAIGN_STATUS).union(requests.getSideOutput(Tags.CAMPAIGN_STATUS)),
                deadLetters,
                updates.map(u -> costs(u.definition()))
                        .returns(CampaignCostUpdate.class)
                        .uid(Uids.CAMPAIGN_COSTS)
                        .name("campaign costs"),
                totals,
                upliftModels);
    }

    /** One tick per minute of the events' event time, for the scheduled sends (see {@link ScheduleClock}). */
    private static DataStream<ControlMessage> scheduleClock(DataStream<Event> events) {
        return events.filter(e -> false)
                .uid(Uids.SCHEDULE_CLOCK_INPUT)
                .name("event time for the schedule clock")
                .transform("schedule clock", TypeInformation.of(ControlMessage.class), new ScheduleClock<>())
                .setParallelism(1)
                .uid(Uids.SCHEDULE_CLOCK);
    }

    /**
     * The catalog-driven triggers' item side: views, carts and catalog changes keyed by item, with the campaigns
     * and erasures broadcast, give the signals of the watchers to tell (see {@link ItemWatchFunction}).
     */
    private static DataStream<UserSignal> watchItems(
            Inputs in, DataStream<CampaignUpdate> updates, CampaignSettings settings) {
        TypeInformation<ItemSignal> item = TypeInformation.of(ItemSignal.class);
        TypeInformation<ControlMessage> controlType = TypeInformation.of(ControlMessage.class);
        // views, carts and erasures keyed by user through the watch index, which turns an erasure into one per item
        // the user may watch (so that it does not visit the whole catalog)
        SingleOutputStreamOperator<ItemSignal> indexed = in.events()
                .filter(e -> (e.type() == EventType.VIEW || e.type() == EventType.ADD_TO_CART) && e.itemId() != null)
                .uid(Uids.WATCH_EVENTS_FILTER)
                .name("views and carts of items")
                .map(ItemSignal::of)
                .returns(item)
                .uid(Uids.WATCH_EVENTS)
                .name("events as item signals")
                .union(in.erasures()
                        .map(ItemSignal::erasure)
                        .returns(item)
                        .uid(Uids.WATCH_ERASURES)
                        .name("erasures for item watchers"))
                .keyBy(ItemSignal::userId)
                .process(new WatchIndexFunction(settings.watch()))
                .returns(item)
                .uid(Uids.ITEM_WATCH_INDEX)
                .name("items each user watches");
        DataStream<ItemSignal> items = indexed.union(in.catalog()
                .map(ItemSignal::of)
                .returns(item)
                .uid(Uids.WATCH_CATALOG)
                .name("catalog changes as item signals"));
        BroadcastStream<ControlMessage> broadcast = updates.map(ControlMessage::of)
                .returns(controlType)
                .uid(Uids.WATCH_CAMPAIGN_CONTROL)
                .name("campaign control for item watchers")
                .union(indexed.getSideOutput(Tags.WATCH_FULL_ERASURES)
                        .map(ControlMessage::erasure)
                        .returns(controlType)
                        .uid(Uids.WATCH_FULL_ERASURES)
                        .name("erasures that walk every item"))
                .broadcast(Descriptors.CAMPAIGNS);
        return items.keyBy(ItemSignal::itemId)
                .connect(broadcast)
                .process(new ItemWatchFunction(settings.watch(), settings.initial()))
                .returns(TypeInformation.of(UserSignal.class))
                .uid(Uids.ITEM_WATCHERS)
                .name("catalog trigger watchers");
    }

    /**
     * Reads and validates campaign definitions from a file (YAML or JSON documents, see
     * {@link CampaignDocuments#load}), as control-topic documents are validated. An invalid one fails with
     * every reason, so that the job stops at start as it does for a bad configuration value.
     *
     * @param file a path or {@code classpath:} resource; blank for none
     */
    public static List<CampaignDefinition> load(String file, String templateDir) {
        if (file.isBlank()) {
            return List.of();
        }
        CampaignParser parser = new CampaignParser(new TemplateCatalog(templateDir));
        List<CampaignDefinition> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try {
            for (JsonNode doc : CampaignDocuments.load(file)) {
                try {
                    out.add(parser.parse(doc));
                } catch (InvalidCampaignException e) {
                    errors.add(e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Cannot read campaigns.file " + file + ": " + e.getMessage(), e);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Invalid campaigns in " + file + ": " + String.join(" | ", errors));
        }
        return out;
    }
}
