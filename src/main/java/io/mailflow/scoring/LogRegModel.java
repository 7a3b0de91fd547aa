package io.mailflow.scoring;

/**
 * One version of the propensity model, a logistic regression scored through Flink ML's servable ({@link
 * PropensityModel}), in one of two forms:
 *
 * <ul>
 *   <li><b>linear</b> ({@code binned == null}): {@code P(purchase) = sigmoid(coefficients . x + intercept)} over
 *       the standardized features;
 *   <li><b>binned</b> ({@code binned != null}, {@code coefficients} empty): the raw features are quantile-binned
 *       and hashed with their pairwise crosses into a sparse one-hot vector, {@code P = calibrated(weights . x +
 *       intercept)} ({@link BinnedModel}).
 * </ul>
 *
 * Flink ML's model data has no intercept: in it the intercept becomes an extra last coefficient on a constant-1
 * feature.
 *
 * @param version model version, increasing by one per publication (across both forms)
 * @param coefficients linear form: one weight per feature of {@link io.mailflow.features.FeatureVector}
 *     (standardized); binned form: empty
 * @param intercept bias term
 * @param examples number of examples the model has learned from
 * @param binned the binned form's edges, weights and calibration; null for the linear form (and in every model
 *     published before the binned learner existed)
 */
public record LogRegModel(long version, double[] coefficients, double intercept, long examples, BinnedModel binned) {
    /** A linear model (the only form before the binned learner). */
    public LogRegModel(long version, double[] coefficients, double intercept, long examples) {
        this(version, coefficients, intercept, examples, null);
    }
}
