package io.mailflow.scoring;

/**
 * One version of a campaign's uplift model: two outcome models on the same features, one learned from
 * e-mailed users and one from held-out users. The predicted uplift of a user is the difference of the
 * two probabilities, {@code P(outcome | x, e-mailed) - P(outcome | x, not e-mailed)}, in [-1, 1].
 *
 * @param version model version, increasing by one per publication
 * @param treated outcome model of the e-mailed arm
 * @param control outcome model of the held-out arm
 */
public record UpliftModel(long version, LogRegModel treated, LogRegModel control) {

    /** The predicted uplift of features {@code x} (standardized like the models' training examples). */
    public double uplift(double[] x) {
        return treatedProbability(x) - controlProbability(x);
    }

    public double treatedProbability(double[] x) {
        return probability(treated, x);
    }

    public double controlProbability(double[] x) {
        return probability(control, x);
    }

    private static double probability(LogRegModel m, double[] x) {
        double[] w = new double[m.coefficients().length + 1];
        System.arraycopy(m.coefficients(), 0, w, 0, m.coefficients().length);
        w[w.length - 1] = m.intercept();
        return Ftrl.predict(w, x);
    }
}
