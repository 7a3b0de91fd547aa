package io.mailflow.ingestion;

import static io.mailflow.testing.Events.BEGINNING;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Event;
import io.mailflow.testing.Events;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DeduplicateFunctionTest {

    @Test
    void dropsRepeatedEventIdsAndForgetsThemAfterTheTtl() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Event, Event> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DeduplicateFunction(Duration.ofMinutes(10))), Event::userId, Types.STRING)) {
            h.open();
            Event e = Events.view("u1", "a", BEGINNING);
            h.setStateTtlProcessingTime(0);
            h.processElement(e, BEGINNING);
            h.processElement(e, BEGINNING);
            h.processElement(Events.view("u1", "b", BEGINNING), BEGINNING);
            assertThat(h.extractOutputValues()).hasSize(2);

            h.setStateTtlProcessingTime(Duration.ofMinutes(11).toMillis());
            h.processElement(e, BEGINNING);
            assertThat(h.extractOutputValues()).hasSize(3);
        }
    }
}
