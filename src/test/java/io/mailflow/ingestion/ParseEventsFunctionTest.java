package io.mailflow.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.Event;
import io.mailflow.model.RawRecord;
import io.mailflow.testing.AdversarialCorpus;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The parse operator: every record ends as an event or a dead letter; no exception leaves it. */
class ParseEventsFunctionTest {
    private static final long T = AdversarialCorpus.T;

    @Test
    void aHugeYearBecomesADeadLetterInsteadOfFailingTheTask() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, Event> h = ProcessFunctionTestHarnesses.forProcessFunction(
                new ParseEventsFunction(new EventValidator(Duration.ofHours(1))))) {
            h.processElement(
                    RawRecord.of(
                            "events",
                            1,
                            "{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"VIEW\",\"timestamp\":\"+300000000-01-01T00:00:00Z\"}"),
                    0);
            h.processElement(
                    RawRecord.of(
                            "events",
                            2,
                            "{\"eventId\":\"e2\",\"userId\":\"u\",\"type\":\"VIEW\",\"timestamp\":" + T + "}"),
                    0);
            assertThat(h.extractOutputValues()).extracting(Event::eventId).containsExactly("e2");
            List<DeadLetter> dead = h.getSideOutput(Tags.DEAD_LETTERS).stream()
                    .map(r -> r.getValue())
                    .toList();
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.reason()).contains("timestamp");
                assertThat(d.offset()).isEqualTo(1);
            });
        }
    }

    @Test
    void everyCorpusLineEndsAsAnEventOrADeadLetter() throws Exception {
        List<AdversarialCorpus.Line> corpus = AdversarialCorpus.load("events");
        try (OneInputStreamOperatorTestHarness<RawRecord, Event> h = ProcessFunctionTestHarnesses.forProcessFunction(
                new ParseEventsFunction(new EventValidator(Duration.ofHours(1))))) {
            for (AdversarialCorpus.Line line : corpus) {
                h.processElement(new RawRecord("events", 0, line.number(), T, null, line.bytes()), 0);
            }
            int accepted = h.extractOutputValues().size();
            int dead = h.getSideOutput(Tags.DEAD_LETTERS).size();
            assertThat(accepted + dead).isEqualTo(corpus.size());
            assertThat(accepted).isEqualTo((int) corpus.stream()
                    .filter(AdversarialCorpus.Line::mustBeAccepted)
                    .count());
        }
    }

    @Test
    void theStreamTimeSurvivesARestoreAsTheMaximumOfAllSubtasks() throws Exception {
        OperatorSubtaskState snapshot;
        ParseEventsFunction f = new ParseEventsFunction(new EventValidator(Duration.ofHours(1)));
        try (OneInputStreamOperatorTestHarness<RawRecord, Event> h =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(f))) {
            h.open();
            h.processElement(
                    RawRecord.of(
                            "events",
                            1,
                            "{\"eventId\":\"a\",\"userId\":\"u\",\"type\":\"VIEW\",\"timestamp\":" + (T + 5) + "}"),
                    0);
            h.processElement(
                    RawRecord.of(
                            "events",
                            2,
                            "{\"eventId\":\"b\",\"userId\":\"u\",\"type\":\"VIEW\",\"timestamp\":" + T + "}"),
                    0);
            assertThat(f.streamTime()).isEqualTo(T + 5);
            snapshot = h.snapshot(1, 1);
        }
        ParseEventsFunction restored = new ParseEventsFunction(new EventValidator(Duration.ofHours(1)));
        try (OneInputStreamOperatorTestHarness<RawRecord, Event> h =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(restored))) {
            h.initializeState(snapshot);
            h.open();
            assertThat(restored.streamTime()).isEqualTo(T + 5);
        }
    }
}
