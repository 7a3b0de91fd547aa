package io.mailflow.campaigns;

import io.mailflow.features.FeatureVector;
import java.util.List;

/**
 * Who a campaign may e-mail, checked when the trigger fires. A condition on a segment, score or
 * feature the job does not know yet for the user is not met (a new user is not in any segment).
 *
 * @param segments allowed segments (empty: any user, including users without a segment)
 * @param minScore lowest allowed propensity, inclusive (null: no lower bound)
 * @param maxScore highest allowed propensity, inclusive (null: no upper bound)
 * @param features conditions on raw features, all of which must hold
 */
public record Audience(List<Integer> segments, Double minScore, Double maxScore, List<FeaturePredicate> features)
        implements java.io.Serializable {

    public static Audience everyone() {
        return new Audience(List.of(), null, null, List.of());
    }

    /** Whether a user with these facts belongs to the audience. */
    public boolean matches(UserFacts f) {
        if (!segments.isEmpty() && (f.segment() == null || !segments.contains(f.segment()))) {
            return false;
        }
        if (minScore != null && (f.score() == null || f.score() < minScore)) {
            return false;
        }
        if (maxScore != null && (f.score() == null || f.score() > maxScore)) {
            return false;
        }
        for (FeaturePredicate p : features) {
            int i = FeatureVector.NAMES.indexOf(p.feature());
            if (f.features() == null || i < 0 || i >= f.features().length || !p.test(f.features()[i])) {
                return false;
            }
        }
        return true;
    }
}
