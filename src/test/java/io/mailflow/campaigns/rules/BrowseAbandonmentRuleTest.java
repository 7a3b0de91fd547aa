package io.mailflow.campaigns.rules;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.LineItem;
import io.mailflow.testing.Events;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BrowseAbandonmentRuleTest {
    static final CampaignDefinition BROWSE =
            Campaigns.of("browse", "{type: browse-abandonment, minViews: 3, scope: item, window: 30min, delay: 1h}");
    final BrowseAbandonmentRule rule = new BrowseAbandonmentRule();
    final RuleFixtures.MapTallies tallies = new RuleFixtures.MapTallies();

    private List<Pending> views(CampaignDefinition c, Event... events) {
        List<Pending> fired = new ArrayList<>();
        for (Event e : events) {
            rule.onSignal(c, UserSignal.of(e), UserFacts.empty(), tallies).ifPresent(fired::add);
        }
        return fired;
    }

    @Test
    void theNthViewOfAnItemWithinTheWindowFiresOnce() {
        long t = BEGINNING;
        List<Pending> fired = views(
                BROWSE,
                Events.view("u1", "sku-1", t),
                Events.view("u1", "sku-1", t + 10 * ONE_MINUTE),
                Events.view("u1", "sku-1", t + 20 * ONE_MINUTE),
                Events.view("u1", "sku-1", t + 25 * ONE_MINUTE));
        assertThat(fired).singleElement().satisfies(p -> {
            assertThat(p.trigger()).isEqualTo("BROWSE_ABANDONMENT");
            assertThat(p.fact()).isEqualTo("sku-1@" + t);
            assertThat(p.anchor()).isEqualTo(t);
            assertThat(p.dueAt()).isEqualTo(t + 20 * ONE_MINUTE + ONE_HOUR);
            assertThat(p.items()).extracting(LineItem::itemId).containsExactly("sku-1");
            assertThat(p.currency()).isEqualTo("USD");
        });
        assertThat(tallies.get("browse|sku-1").count()).isEqualTo(4);
        assertThat(tallies.expiries).containsEntry("browse|sku-1", t + 25 * ONE_MINUTE + 30 * ONE_MINUTE);
    }

    @Test
    void aGapLongerThanTheWindowStartsANewEpisode() {
        long t = BEGINNING;
        assertThat(views(
                        BROWSE,
                        Events.view("u1", "sku-3", t),
                        Events.view("u1", "sku-3", t + 40 * ONE_MINUTE),
                        Events.view("u1", "sku-3", t + 80 * ONE_MINUTE)))
                .isEmpty();
        assertThat(tallies.get("browse|sku-3").first()).isEqualTo(t + 80 * ONE_MINUTE);
        assertThat(tallies.get("browse|sku-3").count()).isEqualTo(1);
    }

    @Test
    void categoryScopeCountsViewsOfDifferentItemsInOneCategory() {
        CampaignDefinition byCategory = Campaigns.of("cat", "{type: browse-abandonment, minViews: 2, scope: category}");
        Optional<Pending> none = rule.onSignal(
                byCategory, UserSignal.of(Events.view("u1", "sku-1", BEGINNING)), UserFacts.empty(), tallies);
        assertThat(none).isEmpty();
        Pending p = rule.onSignal(
                        byCategory,
                        UserSignal.of(Events.view("u1", "sku-2", BEGINNING + ONE_MINUTE)),
                        UserFacts.empty(),
                        tallies)
                .orElseThrow();
        assertThat(p.fact()).isEqualTo("cat-1@" + BEGINNING);
        assertThat(p.items()).extracting(LineItem::itemId).containsExactly("sku-2");
    }

    @Test
    void otherEventsAndViewsWithoutTheScopedSubjectCountNothing() {
        Event noCategory = new Event("e", "u1", null, EventType.VIEW, "sku-1", null, 1.0, null, "USD", null, BEGINNING);
        CampaignDefinition byCategory = Campaigns.of("cat", "{type: browse-abandonment, minViews: 1, scope: category}");
        assertThat(views(byCategory, noCategory)).isEmpty();
        assertThat(views(
                        BROWSE,
                        Events.cart("u1", "sku-1", 1.0, BEGINNING),
                        Events.purchase("u1", "sku-1", 1.0, BEGINNING)))
                .isEmpty();
        assertThat(tallies.tallies).isEmpty();
    }

    @Test
    void aCartOrPurchaseAfterTheEpisodeBeganCancels() {
        Pending p = new Pending(
                "browse", "BROWSE_ABANDONMENT", "sku-1@0", BEGINNING, BEGINNING + ONE_HOUR, List.of(), null);
        assertThat(rule.cancelled(p, new RuleFixtures.Log().cart(BEGINNING + 1).activity(), p.dueAt()))
                .isTrue();
        assertThat(rule.cancelled(
                        p, new RuleFixtures.Log().purchase(BEGINNING + 1).activity(), p.dueAt()))
                .isTrue();
        assertThat(rule.cancelled(p, new RuleFixtures.Log().cart(BEGINNING).activity(), p.dueAt()))
                .isFalse();
        assertThat(rule.activityHorizonMs(BROWSE)).isEqualTo(ONE_HOUR + 30 * ONE_MINUTE);
    }
}
