package io.mailflow.campaigns.watch;

import static io.mailflow.campaigns.watch.WatchFixtures.DAY;
import static io.mailflow.campaigns.watch.WatchFixtures.DROP;
import static io.mailflow.campaigns.watch.WatchFixtures.NOON;
import static io.mailflow.campaigns.watch.WatchFixtures.ONE_HOUR;
import static io.mailflow.campaigns.watch.WatchFixtures.RESTOCK;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.campaigns.TriggerType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemWatchersTest {
    static final WatchSettings SETTINGS = new WatchSettings(3, 30 * DAY);
    static final ItemWatchers W = new ItemWatchers(SETTINGS);
    static final ItemStatus OUT = new ItemStatus(false, 100.0, "USD", NOON - DAY);
    static final ItemStatus IN = new ItemStatus(true, 100.0, "USD", NOON);

    @Test
    void aViewWhileUnavailableIsToldWhenTheItemIsBack() {
        List<Watch> ws = W.view(List.of(), "u1", NOON - ONE_HOUR, OUT, null, null);
        ws = W.view(ws, "u2", NOON - ONE_HOUR, IN, null, null); // saw it available: no restock wish
        ItemWatchers.Outcome o = W.change("sku-1", ws, OUT, IN, NOON, List.of(RESTOCK));
        assertThat(o.notices()).extracting(ItemWatchers.Notice::userId).containsExactly("u1");
        assertThat(o.notices().get(0).fact().triggerType()).isEqualTo(TriggerType.BACK_IN_STOCK);
        assertThat(o.notices().get(0).fact().itemId()).isEqualTo("sku-1");
        assertThat(o.notices().get(0).fact().campaignId()).isEqualTo("back-in-stock");
        assertThat(o.watchers()).allMatch(w -> !w.wantsRestock());
    }

    @Test
    void aSecondRestockWithinTheDedupPeriodTellsNobody() {
        List<Watch> ws = W.view(List.of(), "u1", NOON - ONE_HOUR, OUT, null, null);
        ws = W.change("sku-1", ws, OUT, IN, NOON, List.of(RESTOCK)).watchers();
        // out again, seen again while out, back again two days later: within the 7-day dedup
        ItemStatus out2 = new ItemStatus(false, 100.0, "USD", NOON + DAY);
        ws = W.view(ws, "u1", NOON + DAY + ONE_HOUR, out2, null, null);
        assertThat(W.change("sku-1", ws, out2, IN, NOON + 2 * DAY, List.of(RESTOCK))
                        .notices())
                .isEmpty();
        // after the dedup period it is told again
        ws = W.view(ws, "u1", NOON + 8 * DAY, out2, null, null);
        assertThat(W.change("sku-1", ws, out2, IN, NOON + 9 * DAY, List.of(RESTOCK))
                        .notices())
                .hasSize(1);
    }

    @Test
    void aPriceDropOfAtLeastTheShareIsToldOnceWithWasAndNow() {
        List<Watch> ws = W.view(List.of(), "u1", NOON - ONE_HOUR, IN, null, null);
        ItemStatus small = new ItemStatus(true, 95.0, "USD", NOON);
        ItemWatchers.Outcome o = W.change("sku-1", ws, IN, small, NOON, List.of(DROP));
        assertThat(o.notices()).as("5 %% is below the campaign's 10 %%").isEmpty();
        ItemStatus big = new ItemStatus(true, 80.0, "USD", NOON + ONE_HOUR);
        o = W.change("sku-1", o.watchers(), small, big, NOON + ONE_HOUR, List.of(DROP));
        assertThat(o.notices()).hasSize(1);
        assertThat(o.notices().get(0).fact().wasPrice()).isEqualTo(100.0);
        assertThat(o.notices().get(0).fact().price()).isEqualTo(80.0);
        ItemStatus bigger = new ItemStatus(true, 60.0, "USD", NOON + 2 * ONE_HOUR);
        assertThat(W.change("sku-1", o.watchers(), big, bigger, NOON + 2 * ONE_HOUR, List.of(DROP))
                        .notices())
                .as("de-duplicated per user and item")
                .isEmpty();
    }

    @Test
    void aCampaignChangeOfTheShareAppliesToTheNextChange() {
        List<Watch> ws = W.view(List.of(), "u1", NOON - ONE_HOUR, IN, null, null);
        ItemStatus cheaper = new ItemStatus(true, 85.0, "USD", NOON);
        CampaignDefinition strict =
                Campaigns.of("price-drop", "{type: price-drop, minDropShare: 0.2, dedup: 7d}", "version: 2");
        assertThat(W.change("sku-1", ws, IN, cheaper, NOON, List.of(strict)).notices())
                .isEmpty();
        assertThat(W.change("sku-1", ws, IN, cheaper, NOON, List.of(DROP)).notices())
                .hasSize(1);
    }

    @Test
    void anotherCurrencyOrAnUnavailableItemIsNoPriceDrop() {
        List<Watch> ws = W.view(List.of(), "u1", NOON - ONE_HOUR, IN, null, null);
        assertThat(W.change("sku-1", ws, IN, new ItemStatus(true, 50.0, "EUR", NOON), NOON, List.of(DROP))
                        .notices())
                .isEmpty();
        assertThat(W.change("sku-1", ws, IN, new ItemStatus(false, 50.0, "USD", NOON), NOON, List.of(DROP))
                        .notices())
                .isEmpty();
    }

    @Test
    void theListIsBoundedAndEvictsTheWatcherSeenLongestAgo() {
        List<Watch> ws = List.of();
        for (int i = 0; i < 5; i++) {
            ws = W.view(ws, "u" + i, NOON + i, OUT, null, null);
        }
        ws = W.view(ws, "u2", NOON + 10, OUT, null, null); // seen again: the newest
        assertThat(ws).extracting(Watch::userId).containsExactly("u3", "u4", "u2");
    }

    @Test
    void watchesLapseAfterTheTtlAndEntriesGoOnceTheirDedupRunsOut() {
        List<Watch> ws = W.view(List.of(), "u1", NOON, OUT, null, null);
        assertThat(W.change("sku-1", ws, OUT, IN, NOON + 31 * DAY, List.of(RESTOCK))
                        .notices())
                .as("lapsed")
                .isEmpty();
        assertThat(W.nextSweep(ws)).isEqualTo(NOON + 30 * DAY);
        assertThat(W.sweep(ws, NOON + 30 * DAY)).isEmpty();
        List<Watch> told = W.change("sku-1", ws, OUT, IN, NOON + 29 * DAY, List.of(RESTOCK))
                .watchers();
        assertThat(W.nextSweep(told)).isEqualTo(NOON + 36 * DAY);
        assertThat(W.sweep(told, NOON + 35 * DAY)).hasSize(1);
        assertThat(W.sweep(told, NOON + 36 * DAY)).isEmpty();
    }

    @Test
    void noLiveCampaignTellsNobodyAndTheHighestPriorityWins() {
        List<Watch> ws = W.view(List.of(), "u1", NOON - ONE_HOUR, OUT, null, null);
        assertThat(W.change("sku-1", ws, OUT, IN, NOON, List.of(DROP)).notices())
                .isEmpty();
        CampaignDefinition vip = Campaigns.of("vip-restock", "{type: back-in-stock}", "priority: 9");
        assertThat(W.change("sku-1", ws, OUT, IN, NOON, List.of(RESTOCK, vip)).notices())
                .extracting(n -> n.fact().campaignId())
                .containsExactly("vip-restock");
    }

    @Test
    void anErasureRemovesTheUser() {
        List<Watch> ws = W.view(List.of(), "u1", NOON, OUT, null, null);
        ws = W.view(ws, "u2", NOON, OUT, null, null);
        assertThat(ItemWatchers.erase(ws, "u1")).extracting(Watch::userId).containsExactly("u2");
    }

    @Test
    void noWatcherEntryOutlivesTheWatchIndexsHoldOnItsItem() {
        // WatchIndexFunction keeps an item watch-ttl + the longest dedup after the user's last view: an erasure
        // through the index reaches an entry only if the entry goes first. The latest a notice can come is the last
        // instant of the watch, with the longest dedup the parser accepts.
        CampaignDefinition longest = Campaigns.of("back-in-stock-long", "{type: back-in-stock, dedup: 365d}");
        CampaignDefinition longestDrop =
                Campaigns.of("price-drop-long", "{type: price-drop, minDropShare: 0.1, dedup: 365d}");
        long seen = NOON - ONE_HOUR;
        long lastActive = seen + SETTINGS.watchTtlMs() - 1;
        List<Watch> ws = W.view(List.of(), "u1", seen, OUT, null, null);
        ItemStatus backCheaper = new ItemStatus(true, 50.0, "USD", lastActive);
        ItemWatchers.Outcome o = W.change("sku-1", ws, OUT, backCheaper, lastActive, List.of(longest, longestDrop));
        assertThat(o.notices()).hasSize(2);
        long indexKeepsUntil = seen + WatchIndexFunction.keepMs(SETTINGS);
        assertThat(W.nextSweep(o.watchers())).isLessThanOrEqualTo(indexKeepsUntil);
        assertThat(W.sweep(o.watchers(), indexKeepsUntil)).as("gone by then").isEmpty();
    }
}
