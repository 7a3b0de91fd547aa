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
import io.mailflow.testing.Events;
import java.util.List;
import org.junit.jupiter.api.Test;

class AbandonedCartRuleTest {
    static final CampaignDefinition CART = Campaigns.of("cart", "{type: abandoned-cart}");
    final AbandonedCartRule rule = new AbandonedCartRule(ONE_HOUR);
    final RuleFixtures.MapTallies tallies = new RuleFixtures.MapTallies();

    @Test
    void aSessionThatLeftItemsInTheCartFiresAfterTheDefaultDelay() {
        long end = BEGINNING + 10 * ONE_MINUTE;
        Pending p = rule.onSignal(
                        CART, UserSignal.of(session("u1", BEGINNING, end, 2, List.of())), UserFacts.empty(), tallies)
                .orElseThrow();
        assertThat(p.campaignId()).isEqualTo("cart");
        assertThat(p.trigger()).isEqualTo("ABANDONED_CART");
        assertThat(p.triggerType()).isEqualTo(rule.type());
        assertThat(p.fact()).isEqualTo("u1@" + BEGINNING);
        assertThat(p.anchor()).isEqualTo(end);
        assertThat(p.dueAt()).isEqualTo(end + ONE_HOUR);
        assertThat(p.items()).extracting(LineItem::itemId).containsExactly("sku-0", "sku-1");
        assertThat(p.currency()).isEqualTo("USD");
        assertThat(rule.newestFactOnly()).isTrue();
    }

    @Test
    void aCampaignsOwnDelayOverridesTheDefault() {
        CampaignDefinition quick = Campaigns.of("quick", "{type: abandoned-cart, delay: 10min}");
        long end = BEGINNING + ONE_MINUTE;
        assertThat(rule.onSignal(
                        quick, UserSignal.of(session("u1", BEGINNING, end, 1, List.of())), UserFacts.empty(), tallies))
                .hasValueSatisfying(p -> assertThat(p.dueAt()).isEqualTo(end + 10 * ONE_MINUTE));
        assertThat(rule.activityHorizonMs(quick)).isEqualTo(10 * ONE_MINUTE);
        assertThat(rule.activityHorizonMs(CART)).isEqualTo(ONE_HOUR);
    }

    @Test
    void sessionsWithoutCartItemsOrWithAPurchaseAndOtherSignalsDoNotFire() {
        UserFacts none = UserFacts.empty();
        assertThat(rule.onSignal(
                        CART, UserSignal.of(session("u1", BEGINNING, BEGINNING + 1, 0, List.of())), none, tallies))
                .isEmpty();
        assertThat(rule.onSignal(
                        CART,
                        UserSignal.of(session("u1", BEGINNING, BEGINNING + 1, 1, List.of("sku-0"))),
                        none,
                        tallies))
                .isEmpty();
        assertThat(rule.onSignal(CART, UserSignal.of(Events.cart("u1", "sku-1", 3.0, BEGINNING)), none, tallies))
                .isEmpty();
        assertThat(tallies.tallies).isEmpty();
    }

    @Test
    void onlyAPurchaseAfterTheSessionAndUpToTheDecisionCancels() {
        Pending p = new Pending("cart", "ABANDONED_CART", "u1@0", BEGINNING, BEGINNING + ONE_HOUR, List.of(), null);
        long now = p.dueAt();
        assertThat(rule.cancelled(
                        p,
                        new RuleFixtures.Log().purchase(BEGINNING + ONE_MINUTE).activity(),
                        now))
                .isTrue();
        assertThat(rule.cancelled(p, new RuleFixtures.Log().purchase(now).activity(), now))
                .isTrue();
        assertThat(rule.cancelled(p, new RuleFixtures.Log().purchase(BEGINNING).activity(), now))
                .as("not after the session")
                .isFalse();
        assertThat(rule.cancelled(p, new RuleFixtures.Log().purchase(now + 1).activity(), now))
                .as("after the decision")
                .isFalse();
        assertThat(rule.cancelled(
                        p, new RuleFixtures.Log().cart(BEGINNING + ONE_MINUTE).activity(), now))
                .as("a cart")
                .isFalse();
    }
}
