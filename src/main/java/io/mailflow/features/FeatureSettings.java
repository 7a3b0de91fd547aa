package io.mailflow.features;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param decayHalfLife half-life of the decayed activity counts
 * @param ttl a user's history is forgotten after this long without a session
 * @param maxCategories most categories remembered per user for the category-affinity feature
 */
public record FeatureSettings(Duration decayHalfLife, Duration ttl, int maxCategories) implements Serializable {
    /** Most categories remembered per user unless configured otherwise. */
    public static final int MAX_CATEGORIES = 20;
}
