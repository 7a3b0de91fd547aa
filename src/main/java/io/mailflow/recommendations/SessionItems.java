package io.mailflow.recommendations;

import io.mailflow.model.LineItem;
import io.mailflow.model.SessionSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * The items of a session as the recommendation model sees them (keyed state of
 * {@link SegmentActivityFunction} while it waits for the session's segment).
 *
 * @param end session end, event time
 * @param items distinct items viewed, carted or purchased, first seen first
 * @param strongItems the carted or purchased ones
 */
public record SessionItems(long end, List<String> items, List<String> strongItems) {

    public static SessionItems of(SessionSummary s, int max) {
        List<String> all = new ArrayList<>(s.viewedItems());
        List<String> strong = new ArrayList<>();
        for (LineItem i : s.cartItems()) {
            strong.add(i.itemId());
        }
        strong.addAll(s.purchasedItems());
        all.addAll(strong);
        return new SessionItems(s.end(), CoOccurrence.distinct(all, max), CoOccurrence.distinct(strong, max));
    }
}
