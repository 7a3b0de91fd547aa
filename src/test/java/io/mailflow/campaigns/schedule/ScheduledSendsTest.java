package io.mailflow.campaigns.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.RequestIds;
import io.mailflow.campaigns.UserFacts;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduledSendsTest {
    static final CampaignDefinition NEWSLETTER = Campaigns.of(
            "newsletter",
            "{type: scheduled, at: '2026-12-07T09:00', rampPerMinute: 10}",
            "audience: {segments: [2], minScore: 0.5}");
    static final long BERLIN_NINE = Instant.parse("2026-12-07T08:00:00Z").toEpochMilli();

    static final String BERLIN = "Europe/Berlin";

    static UserFacts facts(Integer segment, Double score) {
        return new UserFacts(segment, 1L, score, 1L, null, List.of(), BERLIN_NINE);
    }

    @Test
    void aUserInTheAudienceIsDueTheOpenOccurrenceOnce() {
        UserFacts f = facts(2, 0.7);
        assertThat(ScheduledSends.due(NEWSLETTER, f, BERLIN, null, BERLIN_NINE))
                .contains(new Occurrence("2026-12-07T09:00", BERLIN_NINE));
        assertThat(ScheduledSends.due(NEWSLETTER, f, BERLIN, "2026-12-07T09:00", BERLIN_NINE))
                .as("already sent this occurrence")
                .isEmpty();
        assertThat(ScheduledSends.due(NEWSLETTER, f, BERLIN, null, BERLIN_NINE - 1))
                .as("not yet 09:00 in Berlin")
                .isEmpty();
    }

    @Test
    void usersOutsideTheAudienceOrWithUnknownFactsAreNotDue() {
        assertThat(ScheduledSends.due(NEWSLETTER, facts(1, 0.7), BERLIN, null, BERLIN_NINE))
                .isEmpty();
        assertThat(ScheduledSends.due(NEWSLETTER, facts(2, 0.4), BERLIN, null, BERLIN_NINE))
                .isEmpty();
        assertThat(ScheduledSends.due(NEWSLETTER, facts(null, 0.7), BERLIN, null, BERLIN_NINE))
                .isEmpty();
        assertThat(ScheduledSends.due(NEWSLETTER, facts(2, null), BERLIN, null, BERLIN_NINE))
                .isEmpty();
    }

    @Test
    void onlyLiveScheduledCampaignsWalk() {
        CampaignDefinition paused = Campaigns.of("paused", "{type: scheduled, time: '09:00'}", "status: paused");
        CampaignDefinition cart = Campaigns.of("abandoned-cart", "{type: abandoned-cart}");
        assertThat(ScheduledSends.live(List.of(NEWSLETTER, paused, cart), BERLIN_NINE))
                .containsExactly(NEWSLETTER);
    }

    @Test
    void theRequestIdDependsOnTheOccurrenceNotOnWhenTheRampReachedTheUser() {
        Occurrence o = new Occurrence("2026-12-07T09:00", BERLIN_NINE);
        Pending early = ScheduledSends.pending(NEWSLETTER, o, BERLIN_NINE);
        Pending late = ScheduledSends.pending(NEWSLETTER, o, BERLIN_NINE + 3_600_000L);
        assertThat(RequestIds.of("newsletter", "u1", early.fact()))
                .isEqualTo(RequestIds.of("newsletter", "u1", late.fact()));
        assertThat(early.fact()).isEqualTo("scheduled:2026-12-07T09:00");
        assertThat(early.triggerType().wireName()).isEqualTo("scheduled");
    }
}
