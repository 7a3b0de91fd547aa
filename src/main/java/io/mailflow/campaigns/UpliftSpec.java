package io.mailflow.campaigns;

import java.io.Serializable;

/**
 * A campaign's targeting by predicted uplift ({@code targeting: {uplift: {minUplift: 0.01, exploration: 0.1}}}
 * or {@code {topShare: 0.3, exploration: 0.1}}; docs/uplift.md). Exactly one of the two rules is in force: a
 * fixed threshold, or the top share of the campaign's recent scores ({@code topShare > 0}). The campaign's random
 * holdout is always kept, and the exploration share of the other users is e-mailed whatever the model says.
 * Stored in broadcast state with its definition: a record of numbers only (Flink serializes it as a POJO).
 *
 * @param minUplift smallest predicted uplift e-mailed, in [-1, 1] (ignored when {@code topShare > 0})
 * @param topShare share of users with the highest recent predicted uplift e-mailed, in (0, 1]; 0 for a threshold
 * @param exploration share of the non-holdout users e-mailed regardless of the model, in [0, 1]
 */
public record UpliftSpec(double minUplift, double topShare, double exploration) implements Serializable {

    /** Whether the rule is a top share of recent scores rather than a fixed threshold. */
    public boolean byShare() {
        return topShare > 0;
    }

    /** The decision rule with threshold {@code threshold} (the fixed one, or the one the top share gives now). */
    public UpliftTargeting targeting(double threshold) {
        return new UpliftTargeting(threshold, exploration);
    }
}
