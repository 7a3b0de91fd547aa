package io.mailflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.io.Json;
import org.junit.jupiter.api.Test;

/** Campaign status and campaign events are bounded like dead letters: no field can make the sink fail. */
class StatusTruncationTest {
    private static final int KAFKA_MAX_REQUEST = 1024 * 1024;
    private static final String HUGE = "x".repeat(5 * 1024 * 1024);

    @Test
    void aCampaignStatusKeepsAtMostTheDeadLetterBounds() {
        CampaignStatus s = new CampaignStatus(HUGE, 1, CampaignStatus.REJECTED, HUGE, HUGE, 0, -1);
        assertThat(s.reason())
                .hasSizeLessThanOrEqualTo(DeadLetter.MAX_REASON_CHARS)
                .endsWith(DeadLetter.TRUNCATED);
        assertThat(s.campaignId()).hasSizeLessThanOrEqualTo(DeadLetter.MAX_NAME_CHARS);
        assertThat(s.source()).hasSizeLessThanOrEqualTo(DeadLetter.MAX_NAME_CHARS);
        assertThat(Json.toBytes(s).length).isLessThan(KAFKA_MAX_REQUEST / 8);
        assertThat(new CampaignStatus("c", 1, CampaignStatus.STALE, "short", "f", 0, 0).reason())
                .isEqualTo("short");
    }

    @Test
    void aCampaignEventKeepsAtMostTheDeadLetterBounds() {
        CampaignEvent e = new CampaignEvent(HUGE, HUGE, HUGE, HUGE, HUGE, CampaignEvent.DROPPED, HUGE, 0, 0);
        assertThat(e.reason())
                .hasSizeLessThanOrEqualTo(DeadLetter.MAX_REASON_CHARS)
                .endsWith(DeadLetter.TRUNCATED);
        assertThat(Json.toBytes(e).length).isLessThan(KAFKA_MAX_REQUEST / 8);
        assertThat(new CampaignEvent("r", "c", "a", "u", "t", CampaignEvent.DROPPED, "capped", 0, 0).reason())
                .isEqualTo("capped");
    }
}
