package io.mailflow.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.common.Tags;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.RawRecord;
import io.mailflow.testing.AdversarialCorpus;
import io.mailflow.testing.Downstream;
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

    /** The guard against bad records covers parsing only: what the chained operators after it throw fails the task. */
    @Test
    void aFailureDownstreamIsNeverTakenForABadRecord() throws Exception {
        String profile = "{\"userId\":\"u1\",\"email\":\"u1@example.com\",\"consent\":true}";
        String suppression = "{\"userId\":\"u1\",\"reason\":\"UNSUBSCRIBED\",\"at\":\"2026-01-01T00:00:00Z\"}";
        List<Object[]> cases = List.of(
                new Object[] {new ParseProfilesFunction(), profile, true},
                new Object[] {new ParseProfilesFunction(), "{not json", false},
                new Object[] {new ParseSuppressionsFunction(), suppression, true},
                new Object[] {new ParseSuppressionsFunction(), "{not json", false});
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            ProcessFunction<RawRecord, ContactUpdate> f = (ProcessFunction<RawRecord, ContactUpdate>) c[0];
            boolean valid = (Boolean) c[2];
            try (var opened = ProcessFunctionTestHarnesses.forProcessFunction(f)) {
                RawRecord raw = RawRecord.of("contacts", 0, (String) c[1]);
                assertThatThrownBy(() -> f.processElement(
                                raw,
                                valid ? Downstream.sideOutputs(f) : Downstream.failingSideOutputs(f),
                                valid ? Downstream.<ContactUpdate>failingOutput() : Downstream.<ContactUpdate>output()))
                        .as("%s on %s", f.getClass().getSimpleName(), c[1])
                        .isInstanceOf(Downstream.Failure.class);
            }
        }
    }
}
