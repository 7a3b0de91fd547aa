package io.mailflow.segmentation;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param k number of segments
 * @param decayHalfLife half-life of old batches' weight, in batches
 * @param batchSize feature snapshots per k-means update
 * @param batchMaxWait a partial batch is used after this long (event time)
 * @param seed seed of the trainer's random numbers (k-means++ and splits), fixed so runs are reproducible
 * @param refit true: refit on a bounded user sample at each batch ({@link KMeansRefit}); false: the mini-batch rule
 * @param sampleSize refit: most users in the sample
 * @param sampleMaxAge refit: a vector leaves the sample this long after its snapshot (event time)
 * @param restarts refit: fresh k-means++ starts per search
 * @param lateness how long after an interval's end its last snapshots may still arrive (the session gap)
 * @param restartSampleSize refit: most sample points a search's fresh starts run on
 */
public record SegmentationSettings(
        int k,
        double decayHalfLife,
        int batchSize,
        Duration batchMaxWait,
        long seed,
        boolean refit,
        int sampleSize,
        Duration sampleMaxAge,
        int restarts,
        Duration lateness,
        int restartSampleSize)
        implements Serializable {
    /** The refit mode's settings with the default {@code restartSampleSize}. */
    public SegmentationSettings(
            int k,
            double decayHalfLife,
            int batchSize,
            Duration batchMaxWait,
            long seed,
            boolean refit,
            int sampleSize,
            Duration sampleMaxAge,
            int restarts,
            Duration lateness) {
        this(
                k,
                decayHalfLife,
                batchSize,
                batchMaxWait,
                seed,
                refit,
                sampleSize,
                sampleMaxAge,
                restarts,
                lateness,
                KMeansRefit.DEFAULT_SEARCH_POINTS);
    }

    /** The mini-batch mode (the job's only mode before the refit). */
    public SegmentationSettings(int k, double decayHalfLife, int batchSize, Duration batchMaxWait, long seed) {
        this(k, decayHalfLife, batchSize, batchMaxWait, seed, false, 0, Duration.ZERO, 0, Duration.ZERO);
    }

    /** The seed the job uses. */
    public static final long SEED = 42L;
}
