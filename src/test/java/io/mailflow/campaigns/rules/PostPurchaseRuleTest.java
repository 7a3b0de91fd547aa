package io.mailflow.campaigns.rules;

import static io.mailflow.campaigns.rules.RuleFixtures.session;
import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.model.LineItem;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostPurchaseRuleTest {
    static final CampaignDefinition CROSS_SELL = Campaigns.of("cross-sell", "{type: post-purchase, delay: 2h}");
    final PostPurchaseRule rule = new PostPurchaseRule(ONE_HOUR);

    @Test
    void aSessionWithAPurchaseFiresWithTheBoughtItemsAsContext() {
        long end = BEGINNING + 5 * ONE_MINUTE;
        Pending p = rule.onSignal(
                        CROSS_SELL,
                        UserSignal.of(session("u1", BEGINNING, end, 0, List.of("sku-7", "sku-8"))),
                        UserFacts.empty(),
                        new RuleFixtures.MapTallies())
                .orElseThrow();
        assertThat(p.trigger()).isEqualTo("POST_PURCHASE");
        assertThat(p.fact()).isEqualTo("u1@" + BEGINNING);
        assertThat(p.anchor()).isEqualTo(end);
        assertThat(p.dueAt()).isEqualTo(end + 2 * ONE_HOUR);
        assertThat(p.items())
                .containsExactly(new LineItem("sku-7", null, null, 1, end), new LineItem("sku-8", null, null, 1, end));
        assertThat(rule.newestFactOnly()).isTrue();
    }

    @Test
    void aSessionWithoutPurchaseDoesNotFireAndNothingCancels() {
        assertThat(rule.onSignal(
                        CROSS_SELL,
                        UserSignal.of(session("u1", BEGINNING, BEGINNING + 1, 2, List.of())),
                        UserFacts.empty(),
                        new RuleFixtures.MapTallies()))
                .isEmpty();
        Pending p = new Pending("cross-sell", "POST_PURCHASE", "f", BEGINNING, BEGINNING + ONE_HOUR, List.of(), null);
        assertThat(rule.cancelled(
                        p,
                        new RuleFixtures.Log()
                                .purchase(BEGINNING + 1)
                                .cart(BEGINNING + 2)
                                .activity(),
                        p.dueAt()))
                .isFalse();
        assertThat(rule.activityHorizonMs(CROSS_SELL)).isNegative();
    }
}
