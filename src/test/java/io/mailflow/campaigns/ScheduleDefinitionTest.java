package io.mailflow.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.common.Tags;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Scheduled campaigns on the control topic: what a definition says, and every reason one is rejected. */
class ScheduleDefinitionTest {

    @Test
    void aOneOffAndARecurringScheduleAreParsedWithDefaults() {
        CampaignDefinition once = Campaigns.of("nl", "{type: scheduled, at: '2026-12-07T09:00'}");
        ScheduleSpec s = once.trigger().schedule();
        assertThat(s.recurring()).isFalse();
        assertThat(s.at()).isEqualTo("2026-12-07T09:00");
        assertThat(s.rampPerMinute()).isEqualTo(1_000);
        assertThat(s.windowMs()).isEqualTo(Duration.ofHours(6).toMillis());

        CampaignDefinition weekly = Campaigns.of(
                "weekly", "{type: scheduled, time: '18:30', days: [mon, Friday], rampPerMinute: 50, sendWindow: 2h}");
        ScheduleSpec w = weekly.trigger().schedule();
        assertThat(w.recurring()).isTrue();
        assertThat(w.time()).isEqualTo("18:30");
        assertThat(w.days()).containsExactly("MON", "FRI");
        assertThat(w.rampPerMinute()).isEqualTo(50);
        assertThat(w.windowMs()).isEqualTo(Duration.ofHours(2).toMillis());

        assertThat(Campaigns.of("cart", "{type: abandoned-cart}").trigger().schedule())
                .as("other triggers have none")
                .isNull();
    }

    @Test
    void badSchedulesAreRejectedWithEveryReason() {
        assertThatThrownBy(() -> Campaigns.of("nl", "{type: scheduled}"))
                .hasMessageContaining("needs either 'trigger.at'");
        assertThatThrownBy(() -> Campaigns.of("nl", "{type: scheduled, at: '2026-12-07T09:00', time: '09:00'}"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() ->
                        Campaigns.of("nl", "{type: scheduled, at: 'next monday', rampPerMinute: 0, sendWindow: 2d}"))
                .hasMessageContaining("'trigger.at' must be a local date-time")
                .hasMessageContaining("'trigger.rampPerMinute' must be between 1 and 1000000")
                .hasMessageContaining("'trigger.sendWindow' must be between 1min and 23h");
        assertThatThrownBy(() -> Campaigns.of("nl", "{type: scheduled, time: '25:00', days: [MON, Someday]}"))
                .hasMessageContaining("'trigger.time' must be a local time")
                .hasMessageContaining("'trigger.days' must be a list of MON");
        assertThatThrownBy(() -> Campaigns.of("nl", "{type: scheduled, at: '2026-12-07T09:00', days: [MON]}"))
                .hasMessageContaining("'trigger.days' applies only to a recurring schedule");
    }

    @Test
    void aBadScheduleOnTheControlTopicIsADeadLetterWithTheReason() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new ParseCampaignsFunction(Campaigns.PARSER)))) {
            h.open();
            h.processElement(new StreamRecord<>(RawRecord.of(
                    "campaigns",
                    0,
                    "id: nl\ntrigger: {type: scheduled, time: '9 o''clock'}\n"
                            + "variants: [{id: A, weight: 1, template: nl}]\n")));
            assertThat(h.extractOutputValues()).isEmpty();
            List<DeadLetter> dead = h.getSideOutput(Tags.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue)
                    .toList();
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).reason()).contains("'trigger.time' must be a local time");
        }
    }
}
