package io.mailflow.scoring;

import static io.mailflow.config.MailflowOptions.FEATURES_DECAY_HALF_LIFE;
import static io.mailflow.config.MailflowOptions.FEATURES_TTL;
import static io.mailflow.config.MailflowOptions.FTRL_ALPHA;
import static io.mailflow.config.MailflowOptions.FTRL_BETA;
import static io.mailflow.config.MailflowOptions.FTRL_L1;
import static io.mailflow.config.MailflowOptions.FTRL_L2;
import static io.mailflow.config.MailflowOptions.FTRL_PUBLISH_EVERY;
import static io.mailflow.config.MailflowOptions.KMEANS_BATCH_MAX_WAIT;
import static io.mailflow.config.MailflowOptions.KMEANS_BATCH_SIZE;
import static io.mailflow.config.MailflowOptions.KMEANS_DECAY_HALF_LIFE;
import static io.mailflow.config.MailflowOptions.KMEANS_K;
import static io.mailflow.config.MailflowOptions.LABEL_HORIZON;
import static io.mailflow.config.MailflowOptions.VALIDATION_WINDOW;

import io.mailflow.config.MailflowConfig;
import io.mailflow.features.FeatureExtractor;
import io.mailflow.features.FeatureFunction;
import io.mailflow.features.FeatureVector;
import io.mailflow.features.UserFeatures;
import io.mailflow.model.Event;
import io.mailflow.model.SessionSummary;
import io.mailflow.segmentation.KMeansAssigner;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.KMeansTrainer;
import io.mailflow.segmentation.SegmentAssignment;
import io.mailflow.segmentation.StreamingKMeans;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The model data flow, attached to the session summaries and purchases of the main topology:
 *
 * <pre>
 * sessions -> features (keyed by user) -+-> k-means trainer (p=1) --broadcast--> segment assigner -> segments
 *                                       +----------------------------------------> segment assigner
 *                                       +-> labeller (+ purchases) -> FTRL trainer (p=1) --broadcast--> scorer -> scores
 *                                       +----------------------------------------------------------------> scorer
 * </pre>
 *
 * Trainers run at parallelism 1 because each holds the one global model; everything per user runs
 * at the job's parallelism. Every operator gets a {@link ModelUids} uid; max parallelism is the job's.
 */
public final class ModelPipeline {
    /** Most categories remembered per user for the category-affinity feature. */
    public static final int MAX_CATEGORIES = 20;
    /** Seed of the k-means trainer's random numbers (k-means++ and splits), fixed so runs are reproducible. */
    public static final long KMEANS_SEED = 42L;

    private ModelPipeline() {}

    /** An empty stream of erasures, for callers (tests, tools) without a contact topic. */
    private static DataStream<String> noErasures(DataStream<SessionSummary> sessions) {
        return sessions.filter(s -> false).uid(ModelUids.FEATURES + "-no-erasures").name("no erasures")
                .map(SessionSummary::userId).uid(ModelUids.FEATURES + "-no-erasures-ids").name("no erasures");
    }

    /**
     * @param sessions closed session summaries, with event-time timestamps and watermarks
     * @param purchases purchase events, with event-time timestamps and watermarks
     */
    public static ModelOutputs attach(DataStream<SessionSummary> sessions, DataStream<Event> purchases, MailflowConfig config) {
        return attach(sessions, purchases, noErasures(sessions), config);
    }

    /**
     * @param erasures ids of users erased on request: their feature history is forgotten
     */
    public static ModelOutputs attach(
            DataStream<SessionSummary> sessions, DataStream<Event> purchases, DataStream<String> erasures, MailflowConfig config) {
        SingleOutputStreamOperator<UserFeatures> features = sessions
                .keyBy(SessionSummary::userId)
                .connect(erasures.keyBy(u -> u, Types.STRING))
                .process(new FeatureFunction(
                        new FeatureExtractor(config.get(FEATURES_DECAY_HALF_LIFE), MAX_CATEGORIES), config.get(FEATURES_TTL)))
                .uid(ModelUids.FEATURES)
                .name("user features");
        // Features leave the operator on the subtask that owns their user, so the per-user consumers
        // below can reuse that partitioning instead of shuffling every snapshot three more times.
        KeyedStream<UserFeatures, String> byUser = DataStreamUtils.reinterpretAsKeyedStream(features, UserFeatures::userId);

        // ---- segments ----
        StreamingKMeans kmeans = new StreamingKMeans(
                config.get(KMEANS_K), StreamingKMeans.decayFromHalfLife(config.get(KMEANS_DECAY_HALF_LIFE)));
        SingleOutputStreamOperator<KMeansModel> kmeansModels = features
                .keyBy(f -> KMeansTrainer.GLOBAL_KEY, Types.INT)
                .process(new KMeansTrainer(kmeans, config.get(KMEANS_BATCH_SIZE), config.get(KMEANS_BATCH_MAX_WAIT), KMEANS_SEED))
                .setParallelism(1)
                .uid(ModelUids.KMEANS_TRAINER)
                .name("k-means trainer");
        SingleOutputStreamOperator<SegmentAssignment> segments = byUser
                .connect(kmeansModels.broadcast(KMeansAssigner.MODEL))
                .process(new KMeansAssigner())
                .uid(ModelUids.KMEANS_ASSIGNER)
                .name("segment assignment");

        // ---- propensity ----
        SingleOutputStreamOperator<LabeledExample> examples = byUser
                .connect(purchases.keyBy(Event::userId))
                .process(new PurchaseLabeller(config.get(LABEL_HORIZON)))
                .uid(ModelUids.PURCHASE_LABELLER)
                .name("purchase labeller");
        Ftrl ftrl = new Ftrl(config.get(FTRL_ALPHA), config.get(FTRL_BETA), config.get(FTRL_L1), config.get(FTRL_L2));
        SingleOutputStreamOperator<LogRegModel> propensityModels = examples
                .process(new FtrlTrainer(ftrl, FeatureVector.SIZE, config.get(FTRL_PUBLISH_EVERY), config.get(VALIDATION_WINDOW)))
                .setParallelism(1)
                .uid(ModelUids.FTRL_TRAINER)
                .name("propensity trainer (FTRL)");
        SingleOutputStreamOperator<PropensityScore> scores = byUser
                .connect(propensityModels.broadcast(PropensityScorer.MODEL))
                .process(new PropensityScorer())
                .uid(ModelUids.PROPENSITY_SCORER)
                .name("propensity scorer");

        return new ModelOutputs(
                features,
                segments,
                kmeansModels,
                examples,
                propensityModels,
                scores,
                propensityModels.getSideOutput(FtrlTrainer.METRICS));
    }
}
