package io.mailflow.ingestion;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Event;
import io.mailflow.testing.Events;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DeduplicateFunctionTest {

    @Test
    void dropsRepeatedEventIdsAndForgetsThemAfterTheTtlOfEventTime() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Event, Event> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DeduplicateFunction(Duration.ofMinutes(10))),
                        Event::userId,
                        Types.STRING)) {
            h.open();
            Event e = Events.view("u1", "a", BEGINNING);
            h.processElement(e, e.timestamp());
            h.processElement(e, e.timestamp());
            Event later = Events.view("u1", "b", BEGINNING + 5 * ONE_MINUTE);
            h.processElement(later, later.timestamp());
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            // 10 minutes after the first event its id is forgotten; the later one is still remembered
            h.processWatermark(new Watermark(BEGINNING + 10 * ONE_MINUTE));
            h.processElement(e, e.timestamp());
            h.processElement(later, later.timestamp());
            assertThat(h.extractOutputValues()).hasSize(3);

            // once everything expired, nothing is left for the user: no ids, no timer
            h.processWatermark(new Watermark(BEGINNING + 60 * ONE_MINUTE));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
