package io.mailflow.feedback;

import io.mailflow.io.EventTimeEnd;
import java.io.Serializable;
import java.time.Duration;

/**
 * @param maxFutureSkew how far ahead of the wall clock an engagement timestamp may be
 * @param maxAheadOfStream how far ahead of the later of the wall clock and the newest accepted engagement time
 *     an engagement event may be
 * @param maxOutOfOrderness how late an engagement event may arrive behind the newest one of its partition
 * @param idleness a partition without engagement for this long stops holding event time back (zero: never)
 * @param attributionWindow a purchase this soon after a click or send is attributed to that e-mail
 * @param featuresDecayHalfLife half-life of the engagement features' decayed counts
 * @param featuresTtl a user's engagement features are forgotten after this long without a change
 * @param statsWindow campaign statistics are counted in tumbling event-time windows of this size
 * @param statsAllowedLateness a statistics window is updated by events this late
 * @param dp the differentially private export of the statistics (in the same windows, without lateness)
 * @param end where event time stops when a bounded input has been read (a replay)
 * @param dedupTtl how long (event time) an engagement eventId is remembered to count each event once
 * @param dedupMaxIds most engagement eventIds remembered per user within {@code dedupTtl}
 */
public record FeedbackSettings(
        Duration maxFutureSkew,
        Duration maxAheadOfStream,
        Duration maxOutOfOrderness,
        Duration idleness,
        Duration attributionWindow,
        Duration featuresDecayHalfLife,
        Duration featuresTtl,
        Duration statsWindow,
        Duration statsAllowedLateness,
        DpSettings dp,
        EventTimeEnd end,
        Duration dedupTtl,
        int dedupMaxIds)
        implements Serializable {

    /** Provider webhooks retry for up to a day (SendGrid) and the tracking service's spool replays later still. */
    public static final Duration DEFAULT_DEDUP_TTL = Duration.ofDays(3);

    public static final int DEFAULT_DEDUP_MAX_IDS = 10_000;

    public FeedbackSettings {
        if (dedupTtl == null || dedupTtl.isNegative() || dedupTtl.isZero()) {
            throw new IllegalArgumentException("dedupTtl must be positive");
        }
        if (dedupMaxIds < 1) {
            throw new IllegalArgumentException("dedupMaxIds must be positive: " + dedupMaxIds);
        }
    }

    /** Settings with the default engagement de-duplication. */
    public FeedbackSettings(
            Duration maxFutureSkew,
            Duration maxAheadOfStream,
            Duration maxOutOfOrderness,
            Duration idleness,
            Duration attributionWindow,
            Duration featuresDecayHalfLife,
            Duration featuresTtl,
            Duration statsWindow,
            Duration statsAllowedLateness,
            DpSettings dp,
            EventTimeEnd end) {
        this(
                maxFutureSkew,
                maxAheadOfStream,
                maxOutOfOrderness,
                idleness,
                attributionWindow,
                featuresDecayHalfLife,
                featuresTtl,
                statsWindow,
                statsAllowedLateness,
                dp,
                end,
                DEFAULT_DEDUP_TTL,
                DEFAULT_DEDUP_MAX_IDS);
    }

    /** Settings without the differentially private export, whose bounded inputs end at the end of time. */
    public FeedbackSettings(
            Duration maxFutureSkew,
            Duration maxAheadOfStream,
            Duration maxOutOfOrderness,
            Duration idleness,
            Duration attributionWindow,
            Duration featuresDecayHalfLife,
            Duration featuresTtl,
            Duration statsWindow,
            Duration statsAllowedLateness) {
        this(
                maxFutureSkew,
                maxAheadOfStream,
                maxOutOfOrderness,
                idleness,
                attributionWindow,
                featuresDecayHalfLife,
                featuresTtl,
                statsWindow,
                statsAllowedLateness,
                DpSettings.disabled(),
                EventTimeEnd.endOfTime());
    }

    /** Settings with the differentially private export, whose bounded inputs end at the end of time. */
    public FeedbackSettings(
            Duration maxFutureSkew,
            Duration maxAheadOfStream,
            Duration maxOutOfOrderness,
            Duration idleness,
            Duration attributionWindow,
            Duration featuresDecayHalfLife,
            Duration featuresTtl,
            Duration statsWindow,
            Duration statsAllowedLateness,
            DpSettings dp) {
        this(
                maxFutureSkew,
                maxAheadOfStream,
                maxOutOfOrderness,
                idleness,
                attributionWindow,
                featuresDecayHalfLife,
                featuresTtl,
                statsWindow,
                statsAllowedLateness,
                dp,
                EventTimeEnd.endOfTime());
    }

    /** Settings without the differentially private export. */
    public FeedbackSettings(
            Duration maxFutureSkew,
            Duration maxAheadOfStream,
            Duration maxOutOfOrderness,
            Duration idleness,
            Duration attributionWindow,
            Duration featuresDecayHalfLife,
            Duration featuresTtl,
            Duration statsWindow,
            Duration statsAllowedLateness,
            EventTimeEnd end) {
        this(
                maxFutureSkew,
                maxAheadOfStream,
                maxOutOfOrderness,
                idleness,
                attributionWindow,
                featuresDecayHalfLife,
                featuresTtl,
                statsWindow,
                statsAllowedLateness,
                DpSettings.disabled(),
                end);
    }
}
