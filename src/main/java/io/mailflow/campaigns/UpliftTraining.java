package io.mailflow.campaigns;

import io.mailflow.scoring.Ftrl;
import io.mailflow.scoring.UpliftLearner;
import java.io.Serializable;

/**
 * How the job learns the campaigns' uplift models (used with {@code topic.uplift-models}): both arms with the FTRL
 * parameters of the propensity model ({@code ftrl.*}).
 *
 * @param alpha FTRL alpha
 * @param beta FTRL beta
 * @param l1 FTRL L1 strength
 * @param l2 FTRL L2 strength
 * @param publishEvery a campaign's model is published every this many outcomes ({@code uplift.publish-every})
 */
public record UpliftTraining(double alpha, double beta, double l1, double l2, int publishEvery)
        implements Serializable {
    /** The job's FTRL defaults, a version every 100 outcomes. */
    public static final UpliftTraining DEFAULT = new UpliftTraining(0.1, 0.1, 0.001, 0.01, 100);

    public UpliftTraining {
        new Ftrl(alpha, beta, l1, l2); // validates
        if (publishEvery < 1) {
            throw new IllegalArgumentException("publishEvery must be at least 1");
        }
    }

    public UpliftLearner learner() {
        return new UpliftLearner(new Ftrl(alpha, beta, l1, l2));
    }
}
