package io.mailflow.campaigns.watch;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.CatalogFact;
import io.mailflow.campaigns.TriggerType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The watcher list of one item, free of Flink: who viewed or carted it and what they saw, and who is told when
 * it comes back in stock or gets cheaper. {@link ItemWatchFunction} holds the list in keyed state and sets the
 * timers; this class decides. Everything is event time, so a replay decides as the live run did.
 *
 * <p>Bounds: at most {@code maxWatchers} per item (a new watcher evicts the one seen longest ago), a watch lapses
 * {@code watchTtl} after the user's last view or cart, and an entry is dropped once it has lapsed and its dedup
 * periods have run out ({@link #sweep}).
 */
public final class ItemWatchers {
    /** A price counts as dropped by a share when it is below the reference by the share, up to rounding. */
    private static final double EPSILON = 1e-9;

    private final WatchSettings settings;

    public ItemWatchers(WatchSettings settings) {
        this.settings = settings;
    }

    /** The list after a change, and what to tell whom. */
    public record Outcome(List<Watch> watchers, List<Notice> notices) {}

    /** A catalog-driven campaign fired for one user. */
    public record Notice(String userId, CatalogFact fact) {}

    /**
     * A user viewed or carted the item at {@code at}: the user becomes (or stays) a watcher. Seeing it while
     * unavailable asks for a back-in-stock e-mail; the price seen becomes the reference of a price drop.
     *
     * @param status the item's catalog version now, or null if the catalog does not know it
     * @param eventPrice the price the event carried, used when the catalog has none
     */
    public List<Watch> view(
            List<Watch> watchers, String userId, long at, ItemStatus status, Double eventPrice, String eventCurrency) {
        List<Watch> out = new ArrayList<>(watchers.size() + 1);
        Watch previous = null;
        for (Watch w : watchers) {
            if (w.userId().equals(userId)) {
                previous = w;
            } else {
                out.add(w);
            }
        }
        boolean unavailable = status != null && !status.available();
        Double price = status != null && status.price() != null ? status.price() : eventPrice;
        String currency = status != null && status.price() != null ? status.currency() : eventCurrency;
        boolean lapsed = previous == null || !previous.active(at, settings.watchTtlMs());
        Watch next = new Watch(
                userId,
                previous == null ? at : Math.max(at, previous.lastSeen()),
                unavailable || (!lapsed && previous.wantsRestock() && status == null),
                price != null ? price : lapsed ? null : previous.seenPrice(),
                price != null ? currency : lapsed ? null : previous.currency(),
                previous == null ? Long.MIN_VALUE : previous.restockQuietUntil(),
                previous == null ? Long.MIN_VALUE : previous.dropQuietUntil());
        out.add(next);
        // the list stays in order of the latest view, so the head is the one to evict
        out.sort(Comparator.comparingLong(Watch::lastSeen));
        while (out.size() > settings.maxWatchers()) {
            out.remove(0);
        }
        return out;
    }

    /**
     * The item changed from {@code before} (null: unknown) to {@code after} at event time {@code at}: watchers who
     * saw it unavailable are told it is back, watchers who saw a price higher by at least a campaign's
     * {@code minDropShare} are told it dropped, each by the highest-priority campaign of the type that is live
     * then, and at most once per item and dedup period.
     */
    public Outcome change(
            String itemId,
            List<Watch> watchers,
            ItemStatus before,
            ItemStatus after,
            long at,
            List<CampaignDefinition> campaigns) {
        List<CampaignDefinition> restock = live(campaigns, TriggerType.BACK_IN_STOCK, at);
        List<CampaignDefinition> drop = live(campaigns, TriggerType.PRICE_DROP, at);
        boolean backInStock = before != null && !before.available() && after.available();
        List<Watch> out = new ArrayList<>(watchers.size());
        List<Notice> notices = new ArrayList<>();
        for (Watch w0 : watchers) {
            Watch w = w0;
            boolean active = w.active(at, settings.watchTtlMs());
            if (backInStock && w.wantsRestock()) {
                if (active && at >= w.restockQuietUntil() && !restock.isEmpty()) {
                    CampaignDefinition c = restock.get(0);
                    notices.add(new Notice(
                            w.userId(),
                            new CatalogFact(
                                    c.id(),
                                    TriggerType.BACK_IN_STOCK.name(),
                                    itemId,
                                    at,
                                    null,
                                    after.price(),
                                    after.currency())));
                    w = withRestockQuietUntil(w, at + c.trigger().dedupMs());
                }
                w = withoutRestockWish(w); // it is back: told now, or not at all for this restock
            }
            if (after.available()
                    && after.price() != null
                    && active
                    && w.seenPrice() != null
                    && at >= w.dropQuietUntil()
                    && after.currency() != null
                    && after.currency().equals(w.currency())) {
                for (CampaignDefinition c : drop) {
                    if (after.price() <= w.seenPrice() * (1 - c.trigger().minDropShare()) + EPSILON) {
                        notices.add(new Notice(
                                w.userId(),
                                new CatalogFact(
                                        c.id(),
                                        TriggerType.PRICE_DROP.name(),
                                        itemId,
                                        at,
                                        w.seenPrice(),
                                        after.price(),
                                        after.currency())));
                        // the new price is the reference of a further drop, after the dedup period
                        w = new Watch(
                                w.userId(),
                                w.lastSeen(),
                                w.wantsRestock(),
                                after.price(),
                                w.currency(),
                                w.restockQuietUntil(),
                                at + c.trigger().dedupMs());
                        break;
                    }
                }
            }
            out.add(w);
        }
        return new Outcome(out, notices);
    }

    /** The entries still needed at {@code now}: lapsed watches whose dedup periods have run out go. */
    public List<Watch> sweep(List<Watch> watchers, long now) {
        List<Watch> out = new ArrayList<>(watchers.size());
        for (Watch w : watchers) {
            if (now < w.keepUntil(settings.watchTtlMs())) {
                out.add(w);
            }
        }
        return out;
    }

    /** When the next entry can go (Long.MAX_VALUE for an empty list). */
    public long nextSweep(List<Watch> watchers) {
        long next = Long.MAX_VALUE;
        for (Watch w : watchers) {
            next = Math.min(next, w.keepUntil(settings.watchTtlMs()));
        }
        return next;
    }

    /** The list without the user (an erasure). */
    public static List<Watch> erase(List<Watch> watchers, String userId) {
        List<Watch> out = new ArrayList<>(watchers.size());
        for (Watch w : watchers) {
            if (!w.userId().equals(userId)) {
                out.add(w);
            }
        }
        return out;
    }

    /** The campaigns of a type live at {@code at}, highest priority first (ties by id, for determinism). */
    static List<CampaignDefinition> live(List<CampaignDefinition> campaigns, TriggerType type, long at) {
        List<CampaignDefinition> out = new ArrayList<>();
        for (CampaignDefinition c : campaigns) {
            if (c.trigger().type() == type && c.liveAt(at)) {
                out.add(c);
            }
        }
        out.sort(
                Comparator.comparingInt(CampaignDefinition::priority).reversed().thenComparing(CampaignDefinition::id));
        return out;
    }

    private static Watch withRestockQuietUntil(Watch w, long until) {
        return new Watch(
                w.userId(), w.lastSeen(), w.wantsRestock(), w.seenPrice(), w.currency(), until, w.dropQuietUntil());
    }

    private static Watch withoutRestockWish(Watch w) {
        return new Watch(
                w.userId(),
                w.lastSeen(),
                false,
                w.seenPrice(),
                w.currency(),
                w.restockQuietUntil(),
                w.dropQuietUntil());
    }
}
