package io.mailflow.scoring;

import java.io.Serializable;

/**
 * Online uplift learning from a randomised holdout: the "two-model" (T-learner) estimator with FTRL.
 * Every outcome of an e-mailed user updates the treated arm's {@link Ftrl} model, every outcome of a
 * held-out user the control arm's, on the same features; the uplift of a user is the difference of the
 * two predicted probabilities ({@link UpliftModel#uplift}).
 *
 * <p><b>Propensity.</b> Each example carries the probability {@code e} with which its user was e-mailed
 * (1 minus the holdout share, or lower when the user was only e-mailed as part of an exploration share).
 * An example is weighted by the inverse probability of the arm it landed in, normalised so that a
 * constant assignment probability gives weight 1 in both arms: {@code 1 / (2 e)} for a treated and
 * {@code 1 / (2 (1 - e))} for a control example, times the example's own weight. With a constant
 * {@code e} (a plain holdout) this only rescales each arm's gradients, which FTRL's per-coordinate
 * learning rates largely undo. It matters once the assignment probability depends on the user (uplift
 * targeting with an exploration share): each arm is then fitted to the whole population it stands for
 * instead of to the users the previous model chose, so a misspecified arm model is not biased towards
 * the earlier targeting. Propensities are clipped to [{@link #MIN_PROPENSITY}, 1 - {@link #MIN_PROPENSITY}]
 * so that one example cannot dominate.
 *
 * <p>Poison-proof like {@link Ftrl}: a bad feature vector, label, weight or propensity leaves the state
 * unchanged ({@link #learnable}).
 */
public final class UpliftLearner implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Smallest assignment probability an example is weighted with (largest weight 1 / (2 * 0.01) = 50). */
    public static final double MIN_PROPENSITY = 0.01;

    private final Ftrl ftrl;

    public UpliftLearner(Ftrl ftrl) {
        this.ftrl = ftrl;
    }

    /**
     * The state after learning one outcome.
     *
     * @param treated true if the user was e-mailed, false if held out
     * @param propensity the probability with which the user was e-mailed, in (0, 1)
     * @param y the outcome within the attribution window, 0 or 1
     * @param weight the example's own sample weight (1 if none)
     */
    public UpliftState update(UpliftState s, double[] x, boolean treated, double propensity, double y, double weight) {
        if (x.length != s.features()) {
            throw new IllegalArgumentException("expected " + s.features() + " features, got " + x.length);
        }
        if (!learnable(x, propensity, y, weight)) {
            return s;
        }
        double e = Math.max(MIN_PROPENSITY, Math.min(1 - MIN_PROPENSITY, propensity));
        double w = weight * (treated ? 1 / (2 * e) : 1 / (2 * (1 - e)));
        return treated
                ? new UpliftState(s.version(), ftrl.update(s.treated(), x, y, w), s.control())
                : new UpliftState(s.version(), s.treated(), ftrl.update(s.control(), x, y, w));
    }

    /** The state with its version increased by one, ready to be published with {@link #model}. */
    public static UpliftState nextVersion(UpliftState s) {
        return new UpliftState(s.version() + 1, s.treated(), s.control());
    }

    /** The model of state {@code s}, stamped with {@code s.version()}. */
    public UpliftModel model(UpliftState s) {
        return new UpliftModel(s.version(), ftrl.model(s.treated()), ftrl.model(s.control()));
    }

    /** True for an example the learner may learn from (see {@link Ftrl#learnable}), with a propensity in (0, 1). */
    public static boolean learnable(double[] x, double propensity, double y, double weight) {
        return propensity > 0 && propensity < 1 && Ftrl.learnable(x, y, weight);
    }

    /** True when both arms are {@link Ftrl#healthy}. */
    public static boolean healthy(UpliftState s) {
        return Ftrl.healthy(s.treated()) && Ftrl.healthy(s.control());
    }
}
