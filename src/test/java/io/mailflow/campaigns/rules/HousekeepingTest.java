package io.mailflow.campaigns.rules;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.campaigns.Exposure;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.ViewTally;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HousekeepingTest {
    static final long DAY = 24 * ONE_HOUR;
    static final long GAP = 30 * ONE_MINUTE;
    static final CampaignDefinition CART = Campaigns.of("cart", "{type: abandoned-cart}");
    static final CampaignDefinition BROWSE = Campaigns.of("browse", "{type: browse-abandonment, window: 30min}");
    final Housekeeping housekeeping = new Housekeeping(new TriggerRules(ONE_HOUR), GAP, 2 * DAY, DAY);

    @Test
    void timersAreRoundedUpToTheMinute() {
        assertThat(Housekeeping.ceilMinute(BEGINNING)).isEqualTo(BEGINNING);
        assertThat(Housekeeping.ceilMinute(BEGINNING + 1)).isEqualTo(BEGINNING + ONE_MINUTE);
        assertThat(Housekeeping.ceilMinute(-1)).isEqualTo(0);
    }

    @Test
    void cartAndPurchaseTimesExpireAfterTheRetention() {
        Map<Long, Integer> activity =
                new TreeMap<>(Map.of(BEGINNING, Activity.CART, BEGINNING + ONE_HOUR, Activity.PURCHASE));
        long retention = ONE_HOUR + GAP;
        assertThat(housekeeping.activityRetentionMs(List.of(CART))).isEqualTo(retention);
        assertThat(housekeeping.expiredActivity(activity.entrySet(), List.of(CART), BEGINNING + retention))
                .containsExactly(BEGINNING);
        assertThat(housekeeping.expiredActivity(activity.entrySet(), List.of(), BEGINNING))
                .as("no campaign needs them")
                .containsExactly(BEGINNING);
    }

    @Test
    void aTallyExpiresWhenItsWindowEndsOrItsCampaignIsGone() {
        ViewTally v = new ViewTally(2, BEGINNING, BEGINNING + ONE_MINUTE, "sku-1", "cat-1", 1.0);
        Map<String, ViewTally> tallies = Map.of("browse|sku-1", v, "gone|sku-1", v);
        assertThat(housekeeping.expiredTallies(tallies.entrySet(), List.of(BROWSE), BEGINNING + 31 * ONE_MINUTE - 1))
                .containsExactly("gone|sku-1");
        assertThat(housekeeping.expiredTallies(tallies.entrySet(), List.of(BROWSE), BEGINNING + 31 * ONE_MINUTE))
                .containsExactlyInAnyOrder("browse|sku-1", "gone|sku-1");
    }

    @Test
    void factsAndPurchasedItemsExpireAfterTheUserStateTtlAndAnExposureAfterTheAttributionWindow() {
        UserFacts f = UserFacts.empty().withScore(0.5, 1, BEGINNING);
        assertThat(housekeeping.factsExpired(f, BEGINNING + 2 * DAY - 1)).isFalse();
        assertThat(housekeeping.factsExpired(f, BEGINNING + 2 * DAY)).isTrue();
        assertThat(housekeeping.factsExpired(null, BEGINNING)).isFalse();
        assertThat(housekeeping.expiredItems(
                        Map.of("a", BEGINNING, "b", BEGINNING + 1).entrySet(), BEGINNING + 2 * DAY))
                .containsExactly("a");
        Exposure x = new Exposure("c", "A", BEGINNING);
        assertThat(housekeeping.exposureExpired(x, BEGINNING + DAY - 1)).isFalse();
        assertThat(housekeeping.exposureExpired(x, BEGINNING + DAY)).isTrue();
        assertThat(housekeeping.exposureExpired(null, BEGINNING)).isFalse();
    }

    @Test
    void theNextExpiryIsTheEarliestOfEveryPieceOfStateRoundedUpToTheMinute() {
        Map<Long, Integer> activity = Map.of(BEGINNING + 1, Activity.CART);
        Map<String, Long> purchased = Map.of("sku-1", BEGINNING);
        UserFacts none = null;
        assertThat(housekeeping.nextExpiry(
                        activity.entrySet(),
                        Map.<String, ViewTally>of().entrySet(),
                        none,
                        purchased.entrySet(),
                        null,
                        List.of(CART),
                        BEGINNING))
                .isEqualTo(Housekeeping.ceilMinute(BEGINNING + 1 + ONE_HOUR + GAP));
        assertThat(housekeeping.nextExpiry(
                        Map.<Long, Integer>of().entrySet(),
                        Map.<String, ViewTally>of().entrySet(),
                        none,
                        purchased.entrySet(),
                        null,
                        List.of(CART),
                        BEGINNING))
                .isEqualTo(BEGINNING + 2 * DAY);
        assertThat(housekeeping.nextExpiry(
                        Map.<Long, Integer>of().entrySet(),
                        Map.<String, ViewTally>of().entrySet(),
                        none,
                        Map.<String, Long>of().entrySet(),
                        null,
                        List.of(CART),
                        BEGINNING))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(Housekeeping.moveTimer(null, BEGINNING)).isTrue();
        assertThat(Housekeeping.moveTimer(BEGINNING, BEGINNING - 1)).isTrue();
        assertThat(Housekeeping.moveTimer(BEGINNING, BEGINNING + 1)).isFalse();
    }
}
