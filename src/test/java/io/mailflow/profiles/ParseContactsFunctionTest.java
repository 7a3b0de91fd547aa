package io.mailflow.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.RawRecord;
import io.mailflow.testing.AdversarialCorpus;
import java.util.List;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The profile and suppression parse operators: every record ends as an update or a dead letter, never an exception. */
class ParseContactsFunctionTest {

    private static int[] run(ProcessFunction<RawRecord, ContactUpdate> f, String input) throws Exception {
        List<AdversarialCorpus.Line> corpus = AdversarialCorpus.load(input);
        try (OneInputStreamOperatorTestHarness<RawRecord, ContactUpdate> h =
                ProcessFunctionTestHarnesses.forProcessFunction(f)) {
            for (AdversarialCorpus.Line line : corpus) {
                h.processElement(
                        new RawRecord(input, 0, line.number(), AdversarialCorpus.T, "k".getBytes(), line.bytes()), 0);
            }
            assertThat(h.getSideOutput(Tags.DEAD_LETTERS))
                    .allSatisfy(d -> assertThat(d.getValue().reason()).isNotBlank());
            return new int[] {
                h.extractOutputValues().size(),
                h.getSideOutput(Tags.DEAD_LETTERS).size(),
                corpus.size()
            };
        }
    }

    @Test
    void everyProfileCorpusLineEndsAsAnUpdateOrADeadLetter() throws Exception {
        int[] r = run(new ParseProfilesFunction(), "profiles");
        assertThat(r[0] + r[1]).isEqualTo(r[2]);
        assertThat(r[0]).isEqualTo(3);
    }

    @Test
    void everySuppressionCorpusLineEndsAsAnUpdateOrADeadLetter() throws Exception {
        int[] r = run(new ParseSuppressionsFunction(), "suppressions");
        assertThat(r[0] + r[1]).isEqualTo(r[2]);
        assertThat(r[0]).isEqualTo(2);
    }

    @Test
    void aSuppressionWithAHugeYearIsADeadLetter() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, ContactUpdate> h =
                ProcessFunctionTestHarnesses.forProcessFunction(new ParseSuppressionsFunction())) {
            h.processElement(
                    RawRecord.of(
                            "s", 1, "{\"userId\":\"u\",\"reason\":\"BOUNCED\",\"at\":\"+300000000-01-01T00:00:00Z\"}"),
                    0);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(Tags.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(d -> assertThat(d.getValue().reason()).contains("'at'"));
        }
    }
}
