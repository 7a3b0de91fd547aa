package io.mailflow.scoring;

import io.mailflow.common.Uids;
import io.mailflow.features.FeatureVector;
import io.mailflow.features.UserFeatures;
import io.mailflow.model.Event;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Purchase propensity: feature snapshots + purchases -> labeller -> FTRL trainer (parallelism 1, the one
 * global model; binned FTRL served, linear FTRL kept as the migration path) --broadcast--> scorer (per user) -> scores. Validation: served scores + labels -> served
 * score join (per user) -> served validator (parallelism 1) -> metrics of the scores actually served.
 */
public final class ScoringStage {
    private ScoringStage() {}

    /**
     * @param examples labelled examples (snapshot plus purchased-within-horizon label)
     * @param models every propensity model version (Flink ML logistic-regression semantics)
     * @param scores purchase propensity of every snapshot, stamped with the model version
     * @param validation AUC, log loss and calibration of the served scores, every {@code publishEvery} labelled
     *     served scores and at the end of a bounded input
     */
    public record Outputs(
            DataStream<LabeledExample> examples,
            DataStream<LogRegModel> models,
            DataStream<PropensityScore> scores,
            DataStream<ValidationMetrics> validation) {}

    /**
     * @param byUser feature snapshots keyed by user
     * @param purchases purchase events, with event-time timestamps and watermarks
     */
    public static Outputs attach(
            KeyedStream<UserFeatures, String> byUser, DataStream<Event> purchases, ScoringSettings settings) {
        SingleOutputStreamOperator<LabeledExample> examples = byUser.connect(purchases.keyBy(Event::userId))
                .process(new PurchaseLabeller(settings.labelHorizon(), settings.releaseAtHorizon()))
                .uid(Uids.PURCHASE_LABELLER)
                .name("purchase labeller");
        Ftrl ftrl = new Ftrl(settings.alpha(), settings.beta(), settings.l1(), settings.l2());
        SingleOutputStreamOperator<LogRegModel> models = examples.process(
                        new FtrlTrainer(ftrl, FeatureVector.SIZE, settings.publishEvery(), settings.binned()))
                .setParallelism(1)
                .uid(Uids.FTRL_TRAINER)
                .name("propensity trainer (FTRL)");
        SingleOutputStreamOperator<PropensityScore> scores = byUser.connect(models.broadcast(PropensityScorer.MODEL))
                .process(new PropensityScorer())
                .uid(Uids.PROPENSITY_SCORER)
                .name("propensity scorer");
        SingleOutputStreamOperator<ValidationMetrics> validation = scores.keyBy(PropensityScore::userId)
                .connect(examples.keyBy(LabeledExample::userId))
                .process(new ServedScoreJoin(settings.labelHorizon()))
                .uid(Uids.SERVED_SCORE_JOIN)
                .name("served score join")
                .keyBy(o -> ServedValidator.KEY, Types.STRING)
                .process(new ServedValidator(settings.publishEvery(), settings.validationWindow()))
                .setParallelism(1)
                .uid(Uids.SERVED_VALIDATOR)
                .name("propensity validation (served scores)");
        return new Outputs(examples, models, scores, validation);
    }
}
