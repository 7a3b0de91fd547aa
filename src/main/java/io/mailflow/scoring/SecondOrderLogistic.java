package io.mailflow.scoring;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One-pass Bayesian logistic regression with a full covariance, for small dense feature vectors (tens of
 * features: each update costs O(d^2)). The posterior over the weights is kept as a Gaussian N(mean, covariance);
 * each example is folded in with an exact one-dimensional Laplace step (assumed-density filtering):
 *
 * <pre>
 *   u = covariance x,   v = x . u,   m = mean . x            (prior of the margin f = w . x: N(m, v))
 *   f* = argmax  log N(f; m, v) + weight (y log sigmoid(f) + (1 - y) log(1 - sigmoid(f)))
 *        i.e. the root of (f - m) + v weight (sigmoid(f) - y) = 0 (monotone; safeguarded Newton)
 *   lambda = weight sigmoid(f*) (1 - sigmoid(f*))            (curvature at the mode)
 *   mean       += weight (y - sigmoid(f*)) u
 *   covariance -= lambda / (1 + lambda v) u u^T              (Sherman-Morrison)
 * </pre>
 *
 * The likelihood depends on the weights only through {@code f}, so the posterior's mode and curvature move only
 * along {@code u}: this is the Laplace approximation of prior times one likelihood, computed exactly. It is the
 * second-order counterpart of {@link Ftrl}: every example is weighed against everything learned before by the
 * covariance instead of by a per-coordinate step size, so one pass over a few thousand examples lands close to
 * the batch maximum a posteriori fit (a Newton/IRLS logistic regression with an L2 penalty of {@code 1 /
 * priorVariance}), where a first-order learner is still converging. The prior N(0, priorVariance I) is that L2
 * penalty; the intercept has the same prior (wide enough not to bias a base rate).
 *
 * <p>Poison-proof like {@link Ftrl}: an example {@link Ftrl#learnable} rejects (a non-finite or out-of-range
 * feature, a label other than 0 or 1, a weight that is not finite and positive) leaves the state unchanged, as
 * does an update whose result would not be finite or would not keep the covariance's diagonal positive;
 * predictions are always in [0, 1]. The covariance only shrinks: the learner assumes a stationary relation, as
 * the batch fit does.
 */
public final class SecondOrderLogistic implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final int MAX_NEWTON_STEPS = 100;

    private final double priorVariance;

    /** @param priorVariance variance of the Gaussian prior of every weight (1 / the L2 penalty), finite and positive */
    public SecondOrderLogistic(double priorVariance) {
        if (!(priorVariance > 0) || !Double.isFinite(priorVariance)) {
            throw new IllegalArgumentException("need a finite priorVariance > 0");
        }
        this.priorVariance = priorVariance;
    }

    /** The prior state of a model of {@code features} features. */
    public SecondOrderState initial(int features) {
        return SecondOrderState.initial(features, priorVariance);
    }

    /** The current weights (the posterior mean); the last one is the intercept. */
    public static double[] weights(SecondOrderState s) {
        return s.mean().clone();
    }

    /** The state after learning from one example with label {@code y} (0 or 1) and sample weight {@code weight}. */
    public SecondOrderState update(SecondOrderState s, double[] x, double y, double weight) {
        if (x.length != s.features()) {
            throw new IllegalArgumentException("expected " + s.features() + " features, got " + x.length);
        }
        if (!Ftrl.learnable(x, y, weight)) {
            return s;
        }
        int k = s.mean().length;
        double[] cov = s.covariance();
        double[] u = new double[k];
        double m = s.mean()[k - 1];
        for (int i = 0; i < k; i++) {
            double ui = cov[i * k + k - 1]; // the intercept's feature is 1
            for (int j = 0; j < k - 1; j++) {
                ui += cov[i * k + j] * x[j];
            }
            u[i] = ui;
        }
        double v = u[k - 1];
        for (int j = 0; j < k - 1; j++) {
            v += x[j] * u[j];
            m += s.mean()[j] * x[j];
        }
        if (!(v > 0) || !Double.isFinite(v) || !Double.isFinite(m)) {
            return s; // cannot happen with a healthy state and a learnable example
        }
        double f = mode(m, v, y, weight);
        double p = sigmoid(f);
        double step = weight * (y - p);
        double lambda = weight * p * (1 - p);
        double shrink = lambda / (1 + lambda * v);
        double[] mean = s.mean().clone();
        double[] covariance = new double[k * k];
        for (int i = 0; i < k; i++) {
            mean[i] += step * u[i];
            for (int j = 0; j < k; j++) {
                // shrink * (u_i u_j), not (shrink u_i) u_j: keeps the covariance exactly symmetric
                covariance[i * k + j] = cov[i * k + j] - shrink * (u[i] * u[j]);
            }
        }
        SecondOrderState next = new SecondOrderState(s.version(), s.examples() + 1, mean, covariance);
        return healthy(next) ? next : s;
    }

    /**
     * The root of {@code (f - m) + v weight (sigmoid(f) - y)}: increasing in {@code f}, between {@code m} and
     * {@code m + v weight} for {@code y = 1} (between {@code m - v weight} and {@code m} for {@code y = 0}). Newton
     * steps that leave the bracket are replaced by bisection, so the result is deterministic and always inside it.
     */
    static double mode(double m, double v, double y, double weight) {
        double lo = y == 1 ? m : m - v * weight;
        double hi = y == 1 ? m + v * weight : m;
        double f = m;
        for (int i = 0; i < MAX_NEWTON_STEPS; i++) {
            double p = sigmoid(f);
            double h = (f - m) + v * weight * (p - y);
            if (h == 0) {
                return f;
            }
            if (h > 0) {
                hi = f;
            } else {
                lo = f;
            }
            double next = f - h / (1 + v * weight * p * (1 - p));
            if (!(next > lo && next < hi)) {
                next = lo + (hi - lo) / 2;
            }
            if (Math.abs(next - f) <= 1e-12 * Math.max(1, Math.abs(f))) {
                return next;
            }
            f = next;
        }
        return f;
    }

    /** {@code sigmoid(w . x + b)} for weights as returned by {@link #weights}; always in [0, 1]. */
    public static double predict(double[] weights, double[] x) {
        return Ftrl.predict(weights, x);
    }

    private static double sigmoid(double f) {
        return 1.0 / (1.0 + Math.exp(-Math.max(-700, Math.min(700, f))));
    }

    /**
     * True when the state has a consistent shape, a finite mean and a finite, symmetric covariance with a positive
     * diagonal (a state restored from a poisoned checkpoint is not).
     */
    public static boolean healthy(SecondOrderState s) {
        int k = s.mean().length;
        if (k < 1 || s.covariance().length != k * k || s.examples() < 0) {
            return false;
        }
        for (int i = 0; i < k; i++) {
            if (!Double.isFinite(s.mean()[i]) || !(s.covariance()[i * k + i] > 0)) {
                return false;
            }
            for (int j = 0; j < k; j++) {
                double c = s.covariance()[i * k + j];
                if (!Double.isFinite(c) || c != s.covariance()[j * k + i]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The model of state {@code s}, stamped with {@code s.version()}: the posterior mean as a linear model. */
    public static LogRegModel model(SecondOrderState s) {
        double[] w = s.mean();
        return new LogRegModel(s.version(), Arrays.copyOf(w, w.length - 1), w[w.length - 1], s.examples());
    }
}
