package io.mailflow.ingestion;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Event;
import io.mailflow.testing.Events;
import io.mailflow.testing.StateEntries;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DeduplicateFunctionTest {

    @Test
    void dropsRepeatedEventIdsAndForgetsThemAfterTheTtlOfEventTime() throws Exception {
        try (KeyedTwoInputStreamOperatorTestHarness<String, Event, String, Event> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new DeduplicateFunction(Duration.ofMinutes(10), 1000)),
                        Event::userId,
                        u -> u,
                        Types.STRING)) {
            h.open();
            Event e = Events.view("u1", "a", BEGINNING);
            h.processElement1(e, e.timestamp());
            h.processElement1(e, e.timestamp());
            Event later = Events.view("u1", "b", BEGINNING + 5 * ONE_MINUTE);
            h.processElement1(later, later.timestamp());
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            // 10 minutes after the first event its id is forgotten; the later one is still remembered
            h.processBothWatermarks(new Watermark(BEGINNING + 10 * ONE_MINUTE));
            h.processElement1(e, e.timestamp());
            h.processElement1(later, later.timestamp());
            assertThat(h.extractOutputValues()).hasSize(3);

            // once everything expired, nothing is left for the user: no ids, no timer
            h.processBothWatermarks(new Watermark(BEGINNING + 60 * ONE_MINUTE));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void remembersAtMostTheCapOfIdsPerUserAndForgetsTheOldestFirst() throws Exception {
        try (KeyedTwoInputStreamOperatorTestHarness<String, Event, String, Event> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new DeduplicateFunction(Duration.ofDays(1), 10)),
                        Event::userId,
                        u -> u,
                        Types.STRING)) {
            h.open();
            Event first = Events.view("u1", "a", BEGINNING);
            h.processElement1(first, first.timestamp());
            for (int i = 1; i < 500; i++) {
                Event e = Events.view("u1", "a", BEGINNING + i * 1000L);
                h.processElement1(e, e.timestamp());
            }
            // one user sending many distinct ids within the TTL keeps at most the cap (plus two bookkeeping values)
            assertThat(StateEntries.mapEntries(h, DeduplicateFunction.seenIdsDescriptor()))
                    .isLessThanOrEqualTo(10);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            // the oldest id was evicted first: it passes again, while the newest is still a duplicate
            int before = h.extractOutputValues().size();
            h.processElement1(first, first.timestamp());
            assertThat(h.extractOutputValues()).hasSize(before + 1);
            Event newest = h.extractOutputValues().get(before - 1);
            h.processElement1(newest, newest.timestamp());
            assertThat(h.extractOutputValues()).hasSize(before + 1);
        }
    }

    @Test
    void anErasureForgetsTheUsersIds() throws Exception {
        try (KeyedTwoInputStreamOperatorTestHarness<String, Event, String, Event> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new DeduplicateFunction(Duration.ofDays(1), 100)),
                        Event::userId,
                        u -> u,
                        Types.STRING)) {
            h.open();
            Event e = Events.view("u1", "a", BEGINNING);
            h.processElement1(e, e.timestamp());
            Event other = Events.view("u2", "a", BEGINNING);
            h.processElement1(other, other.timestamp());
            h.processElement2("u1", BEGINNING);
            assertThat(StateEntries.mapEntries(h, DeduplicateFunction.seenIdsDescriptor()))
                    .isEqualTo(1);
            // u2's map, sweep time and count are all that is left
            assertThat(h.numKeyedStateEntries()).isEqualTo(3);
        }
    }
}
