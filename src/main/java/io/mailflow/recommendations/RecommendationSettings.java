package io.mailflow.recommendations;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param halfLife half-life of the co-occurrence, segment and popularity counts (event time)
 * @param maxCandidates most co-occurring items remembered per item
 * @param neighbours most neighbours published per item
 * @param maxSessionItems most items a session contributes (the session stage's limit)
 * @param publishInterval a new list of changed items at most this often (event time)
 * @param maxItems most items the model keeps (see {@link RecommendationTrainer})
 * @param knnSessionsPerItem session-kNN: most recent sessions indexed per item (see {@link SessionKnn})
 * @param knnMaxSessions session-kNN: most sessions indexed
 * @param knnMaxAge session-kNN: sessions older than this leave the index
 */
public record RecommendationSettings(
        Duration halfLife,
        int maxCandidates,
        int neighbours,
        int maxSessionItems,
        Duration publishInterval,
        int maxItems,
        int knnSessionsPerItem,
        int knnMaxSessions,
        Duration knnMaxAge)
        implements Serializable {

    /** The session-kNN this configures. */
    public SessionKnn sessionKnn() {
        return new SessionKnn(knnSessionsPerItem, knnMaxSessions, knnMaxAge.toMillis(), halfLife.toMillis());
    }
}
