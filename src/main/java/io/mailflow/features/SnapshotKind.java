package io.mailflow.features;

/**
 * Why a feature snapshot (and the score made from it) exists. Consumers that learn from snapshots or count
 * sessions take only {@link #SESSION}; an {@link #IDLE} snapshot is for serving (scores, trigger facts) alone.
 * Records carry it as a nullable field read as {@link #SESSION} when absent, so state and messages written before it
 * existed keep their meaning.
 */
public enum SnapshotKind {
    /** Made at the end of one of the user's sessions: the only kind labelled, trained on or segmented. */
    SESSION,
    /**
     * Made by the feature operator's idle timer while the user stays away ({@code features.idle-snapshot-after}):
     * the same history aged to the timer's instant, with no new session in it.
     */
    IDLE
}
