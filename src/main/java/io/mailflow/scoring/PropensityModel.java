package io.mailflow.scoring;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.ml.classification.logisticregression.LogisticRegressionModelData;
import org.apache.flink.ml.classification.logisticregression.LogisticRegressionModelServable;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.linalg.SparseVector;
import org.apache.flink.ml.linalg.Vector;
import org.apache.flink.ml.servable.api.DataFrame;
import org.apache.flink.ml.servable.api.Row;
import org.apache.flink.ml.servable.types.BasicType;
import org.apache.flink.ml.servable.types.DataTypes;

/**
 * A {@link LogRegModel} loaded into Flink ML's {@link LogisticRegressionModelServable}, which does
 * the scoring. The model travels in Flink ML's own model-data format: {@link #encode} writes
 * {@link LogisticRegressionModelData} bytes and the servable reads them back through its public
 * {@code setModelData}, the same path as a model exported by Flink ML.
 *
 * <p>Flink ML's model data has no intercept, so the intercept is appended as the last coefficient and
 * every feature vector gets a constant 1.0 appended before scoring ({@link #withBias}).
 *
 * <p>A binned model ({@link LogRegModel#binned()}) is the same logistic regression over a sparse one-hot vector
 * of {@code 2^hashBits} hashed bins and crosses: its weights become a dense coefficient vector (the intercept
 * last), each user's raw features a {@link SparseVector} with the bias coordinate set, and the servable's
 * probability is mapped back to the margin for the model's calibration layer.
 *
 * <p>Flink ML types never leave this class: their TypeInformation was compiled for Flink 1.17 and
 * breaks on Flink 2, so records and state hold {@code double[]} only.
 */
public final class PropensityModel {
    private static final String FEATURES = "features";

    private final long version;
    private final LogisticRegressionModelServable servable;
    private final BinnedModel binned;

    private PropensityModel(long version, LogisticRegressionModelServable servable, BinnedModel binned) {
        this.version = version;
        this.servable = servable;
        this.binned = binned;
    }

    public static PropensityModel load(LogRegModel model) {
        if (model.binned() != null && !model.binned().valid()) {
            throw new IllegalArgumentException("propensity model " + model.version() + " has an invalid binned form");
        }
        try {
            LogisticRegressionModelServable servable = new LogisticRegressionModelServable()
                    .setFeaturesCol(FEATURES)
                    .setModelData(new ByteArrayInputStream(encode(model)));
            return new PropensityModel(model.version(), servable, model.binned());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load propensity model " + model.version(), e);
        }
    }

    /** {@code model} in Flink ML's {@link LogisticRegressionModelData} binary format. */
    public static byte[] encode(LogRegModel model) throws IOException {
        double[] coefficient;
        if (model.binned() == null) {
            coefficient = Arrays.copyOf(model.coefficients(), model.coefficients().length + 1);
        } else {
            BinnedModel b = model.binned();
            coefficient = new double[(1 << b.hashBits()) + 1];
            for (int k = 0; k < b.indices().length; k++) {
                coefficient[b.indices()[k]] = b.weights()[k];
            }
        }
        coefficient[coefficient.length - 1] = model.intercept();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new LogisticRegressionModelData(new DenseVector(coefficient), model.version()).encode(bytes);
        return bytes.toByteArray();
    }

    static double[] withBias(double[] features) {
        double[] x = Arrays.copyOf(features, features.length + 1);
        x[features.length] = 1.0;
        return x;
    }

    /** True for a binned model (scored from the raw features), false for a linear one (standardized features). */
    public boolean binned() {
        return binned != null;
    }

    /**
     * Probability of the positive class (purchase) for one user: a linear model scores the standardized features,
     * a binned model the raw ones.
     */
    public double score(double[] standardized, double[] raw) {
        if (binned == null) {
            return score(standardized);
        }
        return binnedScore(ModelInputs.of(raw, null, null, binned.numericFeatures(), binned.categoricalFeatures()));
    }

    /**
     * Probability of the positive class (purchase) for one snapshot: a linear model scores its standardized
     * features, a binned model its raw features and extra inputs ({@link ModelInputs}), as many as it declares.
     */
    public double score(io.mailflow.features.UserFeatures features) {
        if (binned == null) {
            return score(features.standardized());
        }
        return binnedScore(ModelInputs.of(features, binned.numericFeatures(), binned.categoricalFeatures()));
    }

    private double binnedScore(MixedFeatures input) {
        BinnedModel.Sparse x = binned.sparse(input);
        int bias = 1 << binned.hashBits();
        int[] indices = Arrays.copyOf(x.indices(), x.indices().length + 1);
        double[] values = Arrays.copyOf(x.values(), x.values().length + 1);
        indices[indices.length - 1] = bias; // above every hashed coordinate: the indices stay ascending
        values[values.length - 1] = 1.0;
        double p = probability(new SparseVector(bias + 1, indices, values));
        // back from the servable's sigmoid to the margin, for the calibration layer
        double clipped = Math.max(1e-15, Math.min(1 - 1e-15, p));
        return binned.calibrated(Math.log(clipped / (1 - clipped)));
    }

    /** Probability of the positive class (purchase) for one standardized feature vector (linear model). */
    public double score(double[] features) {
        if (binned != null) {
            throw new IllegalStateException("a binned model scores raw features: use score(standardized, raw)");
        }
        return probability(new DenseVector(withBias(features)));
    }

    private double probability(Vector features) {
        // DataFrame and Row append to the lists they are given: hand them fresh mutable ones.
        List<Object> values = new ArrayList<>(List.of(features));
        List<Row> rows = new ArrayList<>(List.of(new Row(values)));
        DataFrame frame = new DataFrame(
                new ArrayList<>(List.of(FEATURES)), new ArrayList<>(List.of(DataTypes.VECTOR(BasicType.DOUBLE))), rows);
        DataFrame scored = servable.transform(frame);
        DenseVector raw = scored.collect().get(0).getAs(scored.getIndex(servable.getRawPredictionCol()));
        return raw.values[1];
    }

    public long version() {
        return version;
    }
}
