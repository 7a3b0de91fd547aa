package io.mailflow.campaigns.rules;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerRulesTest {
    static final CampaignDefinition CART = Campaigns.of("cart", "{type: abandoned-cart}");
    final TriggerRules rules = new TriggerRules(ONE_HOUR);
    final Pending cartTrigger =
            new Pending("cart", "ABANDONED_CART", "u1@0", BEGINNING, BEGINNING + ONE_HOUR, List.of(), null);
    final Activity nothing = new RuleFixtures.Log().activity();

    @Test
    void everyTriggerTypeHasItsRule() {
        for (TriggerType t : TriggerType.values()) {
            assertThat(rules.of(t).type()).isEqualTo(t);
        }
        assertThat(rules.winBack()).isSameAs(rules.of(TriggerType.WIN_BACK));
    }

    @Test
    void aLiveCampaignWhoseAudienceMatchesSends() {
        assertThat(rules.decide(CART, cartTrigger, UserFacts.empty(), nothing, cartTrigger.dueAt()))
                .isEqualTo(Verdict.SEND);
    }

    @Test
    void aMissingPausedOrExpiredCampaignSkips() {
        long now = cartTrigger.dueAt();
        CampaignDefinition paused = Campaigns.of("cart", "{type: abandoned-cart}", "status: paused");
        CampaignDefinition over = Campaigns.of("cart", "{type: abandoned-cart}", "activeUntil: 2026-03-02T12:30:00Z");
        assertThat(rules.decide(null, cartTrigger, UserFacts.empty(), nothing, now))
                .isEqualTo(Verdict.SKIPPED);
        assertThat(rules.decide(paused, cartTrigger, UserFacts.empty(), nothing, now))
                .isEqualTo(Verdict.SKIPPED);
        assertThat(rules.decide(over, cartTrigger, UserFacts.empty(), nothing, now))
                .isEqualTo(Verdict.SKIPPED);
    }

    @Test
    void theRuleCancelsBeforeTheAudienceIsChecked() {
        CampaignDefinition vip = Campaigns.of("cart", "{type: abandoned-cart}", "audience: {segments: [1]}");
        long now = cartTrigger.dueAt();
        Activity bought =
                new RuleFixtures.Log().purchase(BEGINNING + ONE_MINUTE).activity();
        assertThat(rules.decide(vip, cartTrigger, UserFacts.empty(), bought, now))
                .isEqualTo(Verdict.CANCELLED);
        assertThat(rules.decide(vip, cartTrigger, UserFacts.empty(), nothing, now))
                .isEqualTo(Verdict.SKIPPED);
        assertThat(rules.decide(vip, cartTrigger, UserFacts.empty().withSegment(1, 1, BEGINNING), nothing, now))
                .isEqualTo(Verdict.SEND);
    }

    @Test
    void cartAndPurchaseTimesAreKeptForTheLongestCancellableWaitPlusTheGap() {
        CampaignDefinition browse = Campaigns.of("browse", "{type: browse-abandonment, window: 30min, delay: 2h}");
        CampaignDefinition winBack = Campaigns.of("wb", "{type: win-back, inactivity: 30d}");
        long gap = 30 * ONE_MINUTE;
        assertThat(rules.activityRetentionMs(List.of(winBack), gap))
                .as("nothing to cancel")
                .isZero();
        assertThat(rules.activityRetentionMs(List.of(), gap)).isZero();
        assertThat(rules.activityRetentionMs(List.of(CART, winBack), gap)).isEqualTo(ONE_HOUR + gap);
        assertThat(rules.activityRetentionMs(List.of(CART, browse), gap))
                .isEqualTo(2 * ONE_HOUR + 30 * ONE_MINUTE + gap);
    }
}
