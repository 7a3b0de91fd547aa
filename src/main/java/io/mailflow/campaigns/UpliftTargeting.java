package io.mailflow.campaigns;

import io.mailflow.scoring.UpliftModel;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Targeting by predicted uplift, with the random holdout and a random exploration share always kept (issue 16;
 * Flink-free, not yet called by the trigger operator). For a user who triggers a campaign:
 *
 * <ol>
 *   <li>the campaign's holdout ({@link Experiments#holdout}) is drawn first and never changes: lift stays
 *       measurable and the control arm of the uplift model keeps learning;
 *   <li>of the others, an exploration share is e-mailed whatever the model says (its own hash, independent of
 *       the holdout's), so the treated arm keeps learning where the model does not believe in the e-mail;
 *   <li>the rest are e-mailed only if the predicted uplift is at least the threshold; without a model every one
 *       of them is e-mailed.
 * </ol>
 *
 * <p>Every decision carries the score, the model version and the <em>propensity</em>: the probability that a
 * user with these features is e-mailed, {@code (1 - h) (e + (1 - e) [score >= threshold])} with holdout share
 * {@code h} and exploration share {@code e} ({@code 1 - h} without a model). It is the same for every user with
 * the same features whatever arm the hashes put them in, which is what {@link io.mailflow.scoring.UpliftLearner}
 * needs to weight the outcome: held-out and not-targeted users are both control examples.
 *
 * @param threshold smallest predicted uplift (a difference of probabilities, in [-1, 1]) that is e-mailed
 * @param explorationShare share of the non-holdout users e-mailed regardless of the model, in [0, 1]
 */
public record UpliftTargeting(double threshold, double explorationShare) implements Serializable {

    public UpliftTargeting {
        if (!(threshold >= -1 && threshold <= 1)) {
            throw new IllegalArgumentException("uplift threshold must be in [-1, 1]");
        }
        if (!(explorationShare >= 0 && explorationShare <= 1)) {
            throw new IllegalArgumentException("exploration share must be in [0, 1]");
        }
    }

    /** How a user was decided. */
    public enum Outcome {
        /** in the campaign's random holdout: not e-mailed, a control outcome */
        HOLDOUT,
        /** no model yet: e-mailed like every non-holdout user */
        UNTARGETED,
        /** in the exploration share: e-mailed whatever the score */
        EXPLORED,
        /** predicted uplift at least the threshold: e-mailed */
        TARGETED,
        /** predicted uplift below the threshold: not e-mailed, a control outcome */
        NOT_TARGETED;

        public boolean emailed() {
            return this == UNTARGETED || this == EXPLORED || this == TARGETED;
        }
    }

    /**
     * @param score predicted uplift ({@code NaN} without a model)
     * @param modelVersion version of the model that scored ({@code 0} without a model)
     * @param propensity probability that a user with these features is e-mailed
     */
    public record Decision(Outcome outcome, double score, long modelVersion, double propensity) {}

    /**
     * Decides for user {@code userId} of campaign {@code c} with the campaign's current model ({@code null}
     * before the first one) and the user's features {@code x} (standardized like the model's examples).
     */
    public Decision decide(String userId, CampaignDefinition c, UpliftModel model, double[] x) {
        double h = c.holdoutPercent() / 100.0;
        boolean holdout = Experiments.holdout(userId, c);
        if (model == null || x == null || x.length != model.treated().coefficients().length) {
            return new Decision(holdout ? Outcome.HOLDOUT : Outcome.UNTARGETED, Double.NaN, 0, 1 - h);
        }
        double score = model.uplift(x);
        boolean above = score >= threshold;
        double propensity = (1 - h) * (explorationShare + (1 - explorationShare) * (above ? 1 : 0));
        Outcome outcome;
        if (holdout) {
            outcome = Outcome.HOLDOUT;
        } else if (Experiments.bucket("explore", c.id(), userId) < explorationShare) {
            outcome = Outcome.EXPLORED;
        } else {
            outcome = above ? Outcome.TARGETED : Outcome.NOT_TARGETED;
        }
        return new Decision(outcome, score, model.version(), propensity);
    }

    /**
     * The threshold that e-mails the top {@code share} of users with these recent scores (the scores of recent
     * decisions, for a campaign defined by a top share rather than a threshold); {@code -1} (everyone) for a share
     * of 1 or no scores.
     */
    public static double thresholdForTopShare(double[] recentScores, double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("top share must be in (0, 1]");
        }
        if (share == 1 || recentScores.length == 0) {
            return -1;
        }
        double[] s = recentScores.clone();
        Arrays.sort(s);
        int index = (int) Math.ceil((1 - share) * s.length);
        return s[Math.min(index, s.length - 1)];
    }
}
