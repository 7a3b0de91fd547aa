package io.mailflow.campaigns.rules;

import static io.mailflow.campaigns.rules.RuleFixtures.session;
import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.testing.Events;
import java.util.List;
import org.junit.jupiter.api.Test;

class WinBackRuleTest {
    static final long DAY = 24 * ONE_HOUR;
    static final CampaignDefinition MONTH = Campaigns.of("month", "{type: win-back, inactivity: 30d}");
    static final CampaignDefinition WEEK = Campaigns.of("week", "{type: win-back, inactivity: 7d, delay: 1h}");
    static final CampaignDefinition CART = Campaigns.of("cart", "{type: abandoned-cart}");
    final WinBackRule rule = new WinBackRule();

    @Test
    void aLaterSessionRestartsTheClockAndNoSignalFiresDirectly() {
        UserSignal s = UserSignal.of(session("u1", BEGINNING, BEGINNING + 5, 0, List.of()));
        assertThat(WinBackRule.restartsClock(s, null)).isTrue();
        assertThat(WinBackRule.restartsClock(s, BEGINNING)).isTrue();
        assertThat(WinBackRule.restartsClock(s, BEGINNING + 5)).as("not later").isFalse();
        assertThat(WinBackRule.restartsClock(UserSignal.of(Events.view("u1", "sku", BEGINNING + 9)), null))
                .isFalse();
        assertThat(rule.onSignal(MONTH, s, UserFacts.empty(), new RuleFixtures.MapTallies()))
                .isEmpty();
    }

    @Test
    void theClockRunsOutAfterInactivityPlusDelayPerCampaign() {
        List<CampaignDefinition> campaigns = List.of(CART, MONTH, WEEK);
        assertThat(WinBackRule.dueAt(WEEK, BEGINNING)).isEqualTo(BEGINNING + 7 * DAY + ONE_HOUR);
        assertThat(WinBackRule.live(campaigns, BEGINNING)).containsExactly(MONTH, WEEK);
        assertThat(WinBackRule.due(campaigns, BEGINNING, BEGINNING + 7 * DAY + ONE_HOUR))
                .containsExactly(WEEK);
        assertThat(WinBackRule.due(campaigns, BEGINNING, BEGINNING + 30 * DAY)).containsExactly(MONTH);
        assertThat(WinBackRule.clockRunOut(campaigns, BEGINNING, BEGINNING + 7 * DAY + ONE_HOUR))
                .isFalse();
        assertThat(WinBackRule.clockRunOut(campaigns, BEGINNING, BEGINNING + 30 * DAY))
                .isTrue();
    }

    @Test
    void theTriggerSaysSinceWhenTheUserIsInactive() {
        Pending p = rule.pending(MONTH, BEGINNING, BEGINNING + 30 * DAY);
        assertThat(p.trigger()).isEqualTo("WIN_BACK");
        assertThat(p.fact()).isEqualTo("inactive-since@" + BEGINNING);
        assertThat(p.anchor()).isEqualTo(BEGINNING);
        assertThat(p.dueAt()).isEqualTo(BEGINNING + 30 * DAY);
        assertThat(rule.cancelled(
                        p, new RuleFixtures.Log().purchase(BEGINNING + 1).activity(), p.dueAt()))
                .isFalse();
    }
}
