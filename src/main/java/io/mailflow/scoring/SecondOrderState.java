package io.mailflow.scoring;

/**
 * Everything {@link SecondOrderLogistic} needs to continue exactly where it stopped: the Gaussian approximation
 * of the posterior over the weights. The last coordinate is the intercept (on a constant-1 feature).
 *
 * @param version number of models published so far (the version of the latest one)
 * @param examples number of examples learned from
 * @param mean posterior mean of the weights, {@code d + 1} values for {@code d} features
 * @param covariance posterior covariance, {@code (d + 1) x (d + 1)}, row-major and symmetric
 */
public record SecondOrderState(long version, long examples, double[] mean, double[] covariance) {
    /** The prior: mean 0, covariance {@code priorVariance} times the identity. */
    public static SecondOrderState initial(int features, double priorVariance) {
        int k = features + 1;
        double[] covariance = new double[k * k];
        for (int i = 0; i < k; i++) {
            covariance[i * k + i] = priorVariance;
        }
        return new SecondOrderState(0, 0, new double[k], covariance);
    }

    public int features() {
        return mean.length - 1;
    }
}
