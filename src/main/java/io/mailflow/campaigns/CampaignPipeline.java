package io.mailflow.campaigns;

import static io.mailflow.config.MailflowOptions.ABANDONED_CART_DELAY;
import static io.mailflow.config.MailflowOptions.CAMPAIGNS_ATTRIBUTION_WINDOW;
import static io.mailflow.config.MailflowOptions.CAMPAIGNS_FILE;
import static io.mailflow.config.MailflowOptions.CAMPAIGNS_USER_STATE_TTL;
import static io.mailflow.config.MailflowOptions.RECO_HALF_LIFE;
import static io.mailflow.config.MailflowOptions.RECO_MAX_CANDIDATES;
import static io.mailflow.config.MailflowOptions.RECO_NEIGHBOURS;
import static io.mailflow.config.MailflowOptions.RECO_PER_EMAIL;
import static io.mailflow.config.MailflowOptions.RECO_PUBLISH_INTERVAL;
import static io.mailflow.config.MailflowOptions.SESSION_GAP;
import static io.mailflow.config.MailflowOptions.SESSION_MAX_ITEMS;
import static io.mailflow.config.MailflowOptions.TEMPLATE_DIR;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.config.MailflowConfig;
import io.mailflow.io.Untimed;
import io.mailflow.job.Tags;
import io.mailflow.job.Uids;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.RawRecord;
import io.mailflow.model.SessionSummary;
import io.mailflow.recommendations.CoOccurrence;
import io.mailflow.recommendations.RecoList;
import io.mailflow.recommendations.RecommendationTrainer;
import io.mailflow.recommendations.Recommender;
import io.mailflow.recommendations.SegmentActivityFunction;
import io.mailflow.recommendations.SegmentItems;
import io.mailflow.scoring.ModelOutputs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The campaign data flow, attached to the main topology:
 *
 * <pre>
 * control topic -> parse/validate --(campaign updates)--+
 * sessions + segments -> segment activity -+            +--broadcast--+
 * sessions ---------------------------------> reco trainer (p=1) -----+
 * sessions, events, segments, scores, features -> (union, keyed by user) -> triggers -> e-mail requests
 * </pre>
 */
public final class CampaignPipeline {
    private CampaignPipeline() {}

    public static CampaignOutputs attach(
            StreamExecutionEnvironment env,
            MailflowConfig config,
            Source<RawRecord, ?, ?> campaignSource,
            DataStream<SessionSummary> sessions,
            DataStream<Event> events,
            ModelOutputs models,
            DataStream<String> erasures) {
        // ---- campaign definitions ----
        SingleOutputStreamOperator<CampaignUpdate> updates = env
                .fromSource(campaignSource, Untimed.watermarks(), "campaigns")
                .setParallelism(1) // see Untimed: a reader without a partition would hold event time back
                .uid(Uids.CAMPAIGNS_SOURCE)
                .process(new ParseCampaignsFunction(new CampaignParser(new TemplateCatalog(config.get(TEMPLATE_DIR)))))
                .uid(Uids.PARSE_CAMPAIGNS)
                .name("parse and validate campaigns");

        // ---- recommendation model ----
        int maxItems = config.get(SESSION_MAX_ITEMS);
        SingleOutputStreamOperator<SegmentItems> segmentItems = sessions
                .connect(models.segments())
                .keyBy(SessionSummary::userId, a -> a.userId(), Types.STRING)
                .process(new SegmentActivityFunction(maxItems))
                .uid(Uids.SEGMENT_ACTIVITY)
                .name("segment activity");
        SingleOutputStreamOperator<RecoList> reco = sessions
                .connect(segmentItems)
                .keyBy(s -> RecommendationTrainer.GLOBAL_KEY, s -> RecommendationTrainer.GLOBAL_KEY, Types.INT)
                .process(new RecommendationTrainer(
                        new CoOccurrence(config.get(RECO_HALF_LIFE).toMillis(), config.get(RECO_MAX_CANDIDATES)),
                        config.get(RECO_NEIGHBOURS),
                        3 * maxItems,
                        config.get(RECO_PUBLISH_INTERVAL).toMillis()))
                .setParallelism(1)
                .uid(Uids.RECOMMENDATION_TRAINER)
                .name("recommendation trainer (co-occurrence, segment and popular items)");

        // ---- triggers ----
        TypeInformation<ControlMessage> controlType = TypeInformation.of(ControlMessage.class);
        DataStream<ControlMessage> control = updates
                .map(ControlMessage::of).returns(controlType).uid(Uids.CAMPAIGN_CONTROL).name("campaign control")
                .union(reco.map(ControlMessage::of).returns(controlType).uid(Uids.RECOMMENDATION_CONTROL).name("recommendation control"));
        BroadcastStream<ControlMessage> broadcast = control.broadcast(Descriptors.CAMPAIGNS, Descriptors.RECOMMENDATIONS);

        TypeInformation<UserSignal> signal = TypeInformation.of(UserSignal.class);
        DataStream<UserSignal> signals = sessions
                .map(UserSignal::of).returns(signal).uid(Uids.SIGNAL_SESSIONS).name("sessions as trigger signals")
                .union(
                        events.filter(e -> e.type() == EventType.VIEW || e.type() == EventType.ADD_TO_CART || e.type() == EventType.PURCHASE)
                                .uid(Uids.SIGNAL_EVENTS_FILTER).name("views, carts and purchases")
                                .map(UserSignal::of).returns(signal).uid(Uids.SIGNAL_EVENTS).name("events as trigger signals"),
                        models.segments().map(UserSignal::of).returns(signal).uid(Uids.SIGNAL_SEGMENTS).name("segments as trigger signals"),
                        models.scores().map(UserSignal::of).returns(signal).uid(Uids.SIGNAL_SCORES).name("scores as trigger signals"),
                        models.features().map(UserSignal::of).returns(signal).uid(Uids.SIGNAL_FEATURES).name("features as trigger signals"),
                        erasures.map(UserSignal::erasure).returns(signal).uid(Uids.SIGNAL_ERASURES).name("erasures as trigger signals"));

        TriggerSettings settings = new TriggerSettings(
                config.get(ABANDONED_CART_DELAY).toMillis(),
                config.get(SESSION_GAP).toMillis(),
                config.get(CAMPAIGNS_USER_STATE_TTL).toMillis(),
                config.get(CAMPAIGNS_ATTRIBUTION_WINDOW).toMillis(),
                config.get(RECO_PER_EMAIL),
                Recommender.defaults());
        SingleOutputStreamOperator<EmailRequest> requests = signals
                .keyBy(UserSignal::userId)
                .connect(broadcast)
                .process(new TriggerFunction(settings, initialCampaigns(config)))
                .uid(Uids.CAMPAIGN_TRIGGERS)
                .name("campaign triggers");

        return new CampaignOutputs(
                requests,
                updates.getSideOutput(Tags.CAMPAIGN_STATUS).union(requests.getSideOutput(Tags.CAMPAIGN_STATUS)),
                updates.getSideOutput(Tags.DEAD_LETTERS),
                reco);
    }

    /**
     * The definitions of {@code campaigns.file}, validated like control-topic documents. An invalid one
     * stops the job at start with every reason, as a bad configuration value does.
     */
    public static List<CampaignDefinition> initialCampaigns(MailflowConfig config) {
        String file = config.get(CAMPAIGNS_FILE);
        if (file.isBlank()) {
            return List.of();
        }
        CampaignParser parser = new CampaignParser(new TemplateCatalog(config.get(TEMPLATE_DIR)));
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
