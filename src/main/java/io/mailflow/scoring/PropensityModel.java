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
 * <p>Flink ML types never leave this class: their TypeInformation was compiled for Flink 1.17 and
 * breaks on Flink 2, so records and state hold {@code double[]} only.
 */
public final class PropensityModel {
    private static final String FEATURES = "features";

    private final long version;
    private final LogisticRegressionModelServable servable;

    private PropensityModel(long version, LogisticRegressionModelServable servable) {
        this.version = version;
        this.servable = servable;
    }

    public static PropensityModel load(LogRegModel model) {
        try {
            LogisticRegressionModelServable servable = new LogisticRegressionModelServable()
                    .setFeaturesCol(FEATURES)
                    .setModelData(new ByteArrayInputStream(encode(model)));
            return new PropensityModel(model.version(), servable);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load propensity model " + model.version(), e);
        }
    }

    /** {@code model} in Flink ML's {@link LogisticRegressionModelData} binary format. */
    public static byte[] encode(LogRegModel model) throws IOException {
        double[] coefficient = Arrays.copyOf(model.coefficients(), model.coefficients().length + 1);
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

    /** Probability of the positive class (purchase) for one feature vector. */
    public double score(double[] features) {
        // DataFrame and Row append to the lists they are given: hand them fresh mutable ones.
        List<Object> values = new ArrayList<>(List.of(new DenseVector(withBias(features))));
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
