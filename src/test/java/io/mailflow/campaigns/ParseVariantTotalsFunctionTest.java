package io.mailflow.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.io.Json;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The totals topic read back: what the aggregator wrote reaches the sampler, anything else the dead letters. */
class ParseVariantTotalsFunctionTest {

    @Test
    void aWrittenTotalReadsBackAndABadOneIsADeadLetterWithItsReason() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, VariantTotal> h =
                ProcessFunctionTestHarnesses.forProcessFunction(new ParseVariantTotalsFunction())) {
            VariantTotal t = new VariantTotal("c", "B", 12, 5, 3);
            h.processElement(raw(0, Json.toBytes(t)), 0);
            h.processElement(raw(1, "{not json".getBytes(StandardCharsets.UTF_8)), 0);
            h.processElement(raw(2, Json.toBytes(new VariantTotal("c", "B", 1, 2, 1))), 0);
            h.processElement(raw(3, Json.toBytes(new VariantTotal("", "B", 1, 0, 1))), 0);
            h.processElement(raw(4, new byte[0]), 0); // a tombstone: skipped

            assertThat(h.extractOutputValues()).containsExactly(t);
            assertThat(h.getSideOutput(Tags.DEAD_LETTERS))
                    .extracting(StreamRecord::getValue)
                    .extracting(DeadLetter::stage, DeadLetter::reason, DeadLetter::offset)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(
                                    "variant-stats", "malformed variant total (JsonParseException)", 1L),
                            org.assertj.core.groups.Tuple.tuple(
                                    "variant-stats", "variant total with more conversions than exposures", 2L),
                            org.assertj.core.groups.Tuple.tuple(
                                    "variant-stats", "variant total without a campaign id", 3L));
        }
    }

    private static RawRecord raw(long offset, byte[] value) {
        return new RawRecord("mailflow.variant-stats", 0, offset, 0, "c|B".getBytes(StandardCharsets.UTF_8), value);
    }
}
