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
 * @param timeZone the IANA zone of the user's profile, or null (scheduled sends go out at a local time); added
 *     after the committed savepoints, so facts restored from them have none until the next profile update
 */
public record UserFacts(
        Integer segment,
        Long segmentModelVersion,
        Double score,
        Long scoreModelVersion,
        double[] features,
        List<String> recentItems,
        long updatedAt,
        String timeZone) {

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
        return new UserFacts(null, null, null, null, null, List.of(), Long.MIN_VALUE);
    }

    public UserFacts withTimeZone(String zone, long at) {
        return new UserFacts(
                segment,
                segmentModelVersion,
                score,
                scoreModelVersion,
                features,
                recentItems,
                Math.max(updatedAt, at),
                zone);
    }

    public UserFacts withSegment(int s, long version, long at) {
        return new UserFacts(
                s, version, score, scoreModelVersion, features, recentItems, Math.max(updatedAt, at), timeZone);
    }

    public UserFacts withScore(double s, long version, long at) {
        return new UserFacts(
                segment, segmentModelVersion, s, version, features, recentItems, Math.max(updatedAt, at), timeZone);
    }

    public UserFacts withFeatures(double[] f, long at) {
        return new UserFacts(
                segment,
                segmentModelVersion,
                score,
                scoreModelVersion,
                f,
                recentItems,
                Math.max(updatedAt, at),
                timeZone);
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
                timeZone);
    }
}
