package io.mailflow.segmentation;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param k number of segments
 * @param decayHalfLife half-life of old batches' weight, in batches
 * @param batchSize feature snapshots per k-means update
 * @param batchMaxWait a partial batch is used after this long (event time)
 * @param seed seed of the trainer's random numbers (k-means++ and splits), fixed so runs are reproducible
 */
public record SegmentationSettings(int k, double decayHalfLife, int batchSize, Duration batchMaxWait, long seed)
        implements Serializable {
    /** The seed the job uses. */
    public static final long SEED = 42L;
}
