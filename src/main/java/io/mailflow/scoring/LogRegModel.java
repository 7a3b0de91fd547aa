package io.mailflow.scoring;

/**
 * One version of the propensity model: {@code P(purchase) = sigmoid(coefficients . x + intercept)}.
 * Converted to Flink ML's {@code LogisticRegressionModelData} by {@link PropensityModel}, whose
 * format has no intercept: there it becomes an extra last coefficient on a constant-1 feature.
 *
 * @param version model version, increasing by one per publication
 * @param coefficients one weight per feature of {@link io.mailflow.features.FeatureVector} (standardized)
 * @param intercept bias term
 * @param examples number of examples the model has learned from
 */
public record LogRegModel(long version, double[] coefficients, double intercept, long examples) {}
