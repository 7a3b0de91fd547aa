package io.mailflow.campaigns;

import java.util.List;

/**
 * What the trigger operator remembers about a user between triggers, for audiences, the "why" of a
 * request and recommendations. Every part is dropped {@code campaigns.user-state-ttl} after its last
 * update (event time), so inactive users leave nothing behind.
 *
 * @param segment latest segment, or null
 * @param segmentModelVersion its k-means model version, or null
 * @param score latest propensity, or null
 * @param scoreModelVersion its model version, or null
 * @param features latest raw feature vector, or null
 * @param recentItems items of the latest session (viewed, carted, bought), oldest first
 * @param updatedAt event time of the latest update
 * @param standardized the latest feature vector standardized with the job's running mean and variance (what the
 *     uplift models score, as the propensity model's linear form does), or null; added with uplift targeting, so
 *     facts restored from an older savepoint have null until the user's next session
 */
public record UserFacts(
        Integer segment,
        Long segmentModelVersion,
        Double score,
        Long scoreModelVersion,
        double[] features,
        List<String> recentItems,
        long updatedAt,
        double[] standardized) {

    /** Facts without standardized features (as before uplift targeting). */
    public UserFacts(
            Integer segment,
            Long segmentModelVersion,
            Double score,
            Long scoreModelVersion,
            double[] features,
            List<String> recentItems,
            long updatedAt) {
        this(segment, segmentModelVersion, score, scoreModelVersion, features, recentItems, updatedAt, null);
    }

    public static UserFacts empty() {
        return new UserFacts(null, null, null, null, null, List.of(), Long.MIN_VALUE, null);
    }

    public UserFacts withSegment(int s, long version, long at) {
        return new UserFacts(
                s, version, score, scoreModelVersion, features, recentItems, Math.max(updatedAt, at), standardized);
    }

    public UserFacts withScore(double s, long version, long at) {
        return new UserFacts(
                segment, segmentModelVersion, s, version, features, recentItems, Math.max(updatedAt, at), standardized);
    }

    public UserFacts withFeatures(double[] f, long at) {
        return withFeatures(f, standardized, at);
    }

    /** These facts with the raw and the standardized feature vector of a new snapshot. */
    public UserFacts withFeatures(double[] f, double[] std, long at) {
        return new UserFacts(
                segment, segmentModelVersion, score, scoreModelVersion, f, recentItems, Math.max(updatedAt, at), std);
    }

    public UserFacts withRecentItems(List<String> items, long at) {
        return new UserFacts(
                segment,
                segmentModelVersion,
                score,
                scoreModelVersion,
                features,
                items,
                Math.max(updatedAt, at),
                standardized);
    }
}
