package io.mailflow.scoring;

import io.mailflow.features.FeatureVector;
import io.mailflow.features.ModelExtras;
import io.mailflow.features.UserFeatures;

/**
 * The binned propensity learner's input, {@link MixedFeatures}, from a snapshot: the 15 raw {@link FeatureVector}
 * features, then the {@link ModelExtras} numeric inputs evaluated at the snapshot's time, then its tokens.
 *
 * <p>Always cut or padded to the layout a model declares, so a model trained before the extras existed (15 numeric
 * features, no categorical ones, as in an old savepoint or an old model message) keeps scoring the first 15 inputs,
 * and an input without extras (an example restored from before them) has them missing: NaN, which the learner puts
 * in its missing bin, and null tokens.
 */
public final class ModelInputs {
    /** Numeric inputs of the job's binned learner: the raw features and the numeric extras. */
    public static final int NUMERIC = FeatureVector.SIZE + ModelExtras.NUMERIC;
    /** Categorical inputs of the job's binned learner. */
    public static final int CATEGORICAL = ModelExtras.CATEGORICAL;
    /** Longest token kept; ours are 16 hex digits, anything longer is cut. */
    static final int MAX_TOKEN_CHARS = 64;

    private ModelInputs() {}

    /** The input of a model with {@code numeric} numeric and {@code categorical} categorical features. */
    public static MixedFeatures of(UserFeatures f, int numeric, int categorical) {
        ModelExtras x = f.extras();
        return of(
                f.vector(),
                x == null ? null : x.numeric(f.asOf()),
                x == null ? null : x.categorical(),
                numeric,
                categorical);
    }

    /**
     * @param raw the raw features (null: all missing)
     * @param extras the numeric extras (null: all missing)
     * @param tokens the categorical extras (null: all missing)
     */
    public static MixedFeatures of(double[] raw, double[] extras, String[] tokens, int numeric, int categorical) {
        double[] x = new double[numeric];
        int r = raw == null ? 0 : raw.length;
        for (int i = 0; i < numeric; i++) {
            if (i < r) {
                x[i] = raw[i];
            } else if (extras != null && i - r < extras.length) {
                x[i] = extras[i - r];
            } else {
                x[i] = Double.NaN;
            }
        }
        String[] c = new String[categorical];
        for (int j = 0; tokens != null && j < Math.min(categorical, tokens.length); j++) {
            String t = tokens[j];
            c[j] = t == null || t.length() <= MAX_TOKEN_CHARS ? t : t.substring(0, MAX_TOKEN_CHARS);
        }
        return new MixedFeatures(x, c);
    }
}
