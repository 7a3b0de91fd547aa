package io.mailflow.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The end-of-input watermark of a bounded input, replaced by the newest event plus the lateness. */
class EndOfInputWatermarksTest {
    private static final long T = 1_000_000L;

    private static OneInputStreamOperatorTestHarness<String, String> harness(EventTimeEnd end) throws Exception {
        OneInputStreamOperatorTestHarness<String, String> h =
                new OneInputStreamOperatorTestHarness<>(new EndOfInputWatermarks<>(end), StringSerializer.INSTANCE);
        h.open();
        return h;
    }

    private static List<Object> watermarksAndStatuses(OneInputStreamOperatorTestHarness<String, String> h) {
        List<Object> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark || o instanceof WatermarkStatus) {
                out.add(o);
            }
        }
        return out;
    }

    @Test
    void theEndOfTimeBecomesTheNewestEventPlusTheLateness() throws Exception {
        var h = harness(EventTimeEnd.lastEvent(Duration.ofMinutes(1)));
        h.processElement(new StreamRecord<>("a", T + 5_000));
        h.processElement(new StreamRecord<>("b", T)); // out of order: the newest stays T + 5 s
        h.processWatermark(new Watermark(T - 1));
        h.processWatermark(Watermark.MAX_WATERMARK);
        h.processWatermark(new Watermark(T + 10_000_000)); // nothing moves event time after the end

        assertThat(watermarksAndStatuses(h)).containsExactly(new Watermark(T - 1), new Watermark(T + 5_000 + 60_000));
        assertThat(h.extractOutputValues()).containsExactly("a", "b");
        h.close();
    }

    @Test
    void aSubtaskThatSawNoEventGoesIdleInsteadOfEndingTime() throws Exception {
        var h = harness(EventTimeEnd.lastEvent(Duration.ZERO));
        h.processWatermark(Watermark.MAX_WATERMARK);

        assertThat(watermarksAndStatuses(h)).containsExactly(WatermarkStatus.IDLE);
        h.close();
    }

    @Test
    void uncappedItIsAPassThrough() throws Exception {
        var h = harness(EventTimeEnd.endOfTime());
        h.processElement(new StreamRecord<>("a", T));
        h.processWatermark(new Watermark(T - 1));
        h.processWatermark(Watermark.MAX_WATERMARK);

        assertThat(watermarksAndStatuses(h)).containsExactly(new Watermark(T - 1), Watermark.MAX_WATERMARK);
        h.close();
    }

    @Test
    void theFinalWatermarkCannotOverflow() {
        assertThat(EventTimeEnd.lastEvent(Duration.ofDays(30)).finalWatermark(Long.MAX_VALUE - 5))
                .isEqualTo(Long.MAX_VALUE - 1);
    }

    @Test
    void aRestoredSubtaskStillEndsAtTheNewestEventSeenBeforeTheCheckpoint() throws Exception {
        EventTimeEnd end = EventTimeEnd.lastEvent(Duration.ZERO);
        var before = harness(end);
        before.processElement(new StreamRecord<>("a", T + 7));
        var snapshot = before.snapshot(1L, 1L);
        before.close();

        var after = new OneInputStreamOperatorTestHarness<>(
                new EndOfInputWatermarks<String>(end), StringSerializer.INSTANCE);
        after.initializeState(snapshot);
        after.open();
        after.processWatermark(Watermark.MAX_WATERMARK);
        assertThat(watermarksAndStatuses(after)).containsExactly(new Watermark(T + 7));
        after.close();
    }
}
