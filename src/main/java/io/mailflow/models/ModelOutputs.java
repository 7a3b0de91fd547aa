package io.mailflow.models;

import io.mailflow.features.UserFeatures;
import io.mailflow.scoring.LabeledExample;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.scoring.ValidationMetrics;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.SegmentAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The streams {@link ModelStage#attach} produces, for the caller to sink or join.
 *
 * @param features every user's feature snapshot, one per closed session, plus the idle snapshots of users who stay
 *     away (with {@code features.idle-snapshot-after}; {@link UserFeatures#idle()})
 * @param segments segment of every snapshot, stamped with the k-means model version
 * @param kmeansModels every k-means model version
 * @param examples labelled examples (snapshot plus purchased-within-horizon label)
 * @param propensityModels every propensity model version (Flink ML logistic-regression semantics)
 * @param scores purchase propensity of every snapshot (idle ones included, marked), stamped with the model version
 * @param validation AUC, log loss and calibration error of the served propensity scores
 */
public record ModelOutputs(
        DataStream<UserFeatures> features,
        DataStream<SegmentAssignment> segments,
        DataStream<KMeansModel> kmeansModels,
        DataStream<LabeledExample> examples,
        DataStream<LogRegModel> propensityModels,
        DataStream<PropensityScore> scores,
        DataStream<ValidationMetrics> validation) {}
