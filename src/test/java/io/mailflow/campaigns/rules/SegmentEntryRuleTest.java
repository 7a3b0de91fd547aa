package io.mailflow.campaigns.rules;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.segmentation.SegmentAssignment;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SegmentEntryRuleTest {
    static final CampaignDefinition INTO_2 = Campaigns.of("seg", "{type: segment-entry, segments: [2], delay: 10min}");
    static final CampaignDefinition ANY_CHANGE = Campaigns.of("any", "{type: segment-entry}");
    final SegmentEntryRule rule = new SegmentEntryRule();

    private Optional<Pending> assign(CampaignDefinition c, Integer previous, int segment) {
        UserFacts before =
                previous == null ? UserFacts.empty() : UserFacts.empty().withSegment(previous, 1, BEGINNING - 1);
        return rule.onSignal(
                c,
                UserSignal.of(new SegmentAssignment("u1", segment, 8, 0.4, BEGINNING)),
                before,
                new RuleFixtures.MapTallies());
    }

    @Test
    void enteringATargetSegmentFires() {
        Pending p = assign(INTO_2, 1, 2).orElseThrow();
        assertThat(p.trigger()).isEqualTo("SEGMENT_ENTRY");
        assertThat(p.fact()).isEqualTo("segment-2@" + BEGINNING);
        assertThat(p.anchor()).isEqualTo(BEGINNING);
        assertThat(p.dueAt()).isEqualTo(BEGINNING + 10 * ONE_MINUTE);
        assertThat(p.items()).isEmpty();
        assertThat(assign(INTO_2, null, 2))
                .as("a first assignment into a target")
                .isPresent();
    }

    @Test
    void stayingInOrEnteringAnotherSegmentDoesNotFire() {
        assertThat(assign(INTO_2, 2, 2)).isEmpty();
        assertThat(assign(INTO_2, 1, 3)).isEmpty();
    }

    @Test
    void withoutTargetsAnyChangeFiresButNotAFirstAssignment() {
        assertThat(assign(ANY_CHANGE, 1, 3)).isPresent();
        assertThat(assign(ANY_CHANGE, null, 3)).isEmpty();
        assertThat(assign(ANY_CHANGE, 3, 3)).isEmpty();
    }
}
