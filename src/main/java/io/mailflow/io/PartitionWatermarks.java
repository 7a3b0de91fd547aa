package io.mailflow.io;

import io.mailflow.model.RawRecord;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event-time watermarks generated in the source, one generator per Kafka partition (split), from the time field
 * of the raw records. A source reader that reads several partitions emits the minimum of their watermarks, so
 * a partition that runs behind another (a replay, a lagging producer, a reader of more partitions than it has
 * peers) never has its records made late by the other's. Watermarks generated after parsing, per parallel
 * instance, cannot do that: they only see the merged stream of every partition the instance reads.
 *
 * <p>The time rules of the validators hold here too, so that malformed or hostile records cannot move event time:
 * a record's time counts for its partition's watermark only when {@link TimestampPeek} can read it and it lies in
 * the window of {@link InputRules#timeAllowed}: not before 2000, not more than the future skew ahead of the wall
 * clock, and not more than the allowed lead ahead of the later of the wall clock and the newest time this
 * partition has counted. A record outside that window still flows on (its validator turns it into a dead letter
 * with the reason), it only does not count. Each partition's watermark trails the newest time it counted by the
 * out-of-orderness; a partition without records for the idleness (when not zero) stops holding the others back.
 *
 * <p>The generators are not checkpointed (Flink never checkpoints watermarks): after a restore, a partition's
 * first record is held only to the wall-clock rules, and the validator's own stream time (restored from state)
 * still turns one far ahead into a dead letter.
 */
public final class PartitionWatermarks implements WatermarkStrategy<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final int maxPayloadBytes;
    private final long outOfOrdernessMs;
    private final long maxFutureSkewMs;
    private final long maxAheadMs;
    private final WallClock clock;

    /** The wall clock of the time rules (serializable so that tests can fix it). */
    @FunctionalInterface
    public interface WallClock extends LongSupplier, java.io.Serializable {}

    PartitionWatermarks(
            String field,
            int maxPayloadBytes,
            Duration outOfOrderness,
            Duration maxFutureSkew,
            Duration maxAhead,
            WallClock clock) {
        this.field = field;
        this.maxPayloadBytes = maxPayloadBytes;
        this.outOfOrdernessMs = outOfOrderness.toMillis();
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
        this.maxAheadMs = maxAhead.toMillis();
        this.clock = clock;
    }

    /**
     * @param field the top-level time field of the records
     * @param maxPayloadBytes the validator's payload limit
     * @param idleness a partition silent this long stops holding event time back; zero: never
     */
    public static WatermarkStrategy<RawRecord> of(
            String field,
            int maxPayloadBytes,
            Duration outOfOrderness,
            Duration idleness,
            Duration maxFutureSkew,
            Duration maxAhead) {
        return of(field, maxPayloadBytes, outOfOrderness, idleness, maxFutureSkew, maxAhead, System::currentTimeMillis);
    }

    /** As {@link #of(String, int, Duration, Duration, Duration, Duration)} with a given wall clock. */
    public static WatermarkStrategy<RawRecord> of(
            String field,
            int maxPayloadBytes,
            Duration outOfOrderness,
            Duration idleness,
            Duration maxFutureSkew,
            Duration maxAhead,
            WallClock clock) {
        WatermarkStrategy<RawRecord> s =
                new PartitionWatermarks(field, maxPayloadBytes, outOfOrderness, maxFutureSkew, maxAhead, clock);
        return idleness.isZero() ? s : s.withIdleness(idleness);
    }

    @Override
    public TimestampAssigner<RawRecord> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        // A record without a readable time keeps the source's (Kafka's) record time: it is a dead letter anyway.
        return (record, sourceTimestamp) -> {
            long t = TimestampPeek.peek(record.value(), field, maxPayloadBytes);
            return t == TimestampPeek.NONE ? sourceTimestamp : t;
        };
    }

    @Override
    public WatermarkGenerator<RawRecord> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new Generator(new PartitionClock(maxFutureSkewMs, maxAheadMs), outOfOrdernessMs, clock);
    }

    /** The watermark of one partition. */
    static final class Generator implements WatermarkGenerator<RawRecord> {
        private final PartitionClock partition;
        private final long outOfOrdernessMs;
        private final LongSupplier clock;
        private long emitted = Long.MIN_VALUE;

        Generator(PartitionClock partition, long outOfOrdernessMs, LongSupplier clock) {
            this.partition = partition;
            this.outOfOrdernessMs = outOfOrdernessMs;
            this.clock = clock;
        }

        @Override
        public void onEvent(RawRecord record, long timestamp, WatermarkOutput output) {
            partition.count(timestamp, clock.getAsLong());
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long newest = partition.newest();
            if (newest == Long.MIN_VALUE) {
                return;
            }
            long mark = newest - outOfOrdernessMs - 1;
            if (mark > emitted) {
                emitted = mark;
                output.emitWatermark(new Watermark(mark));
            }
        }
    }
}
