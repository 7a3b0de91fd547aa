package io.mailflow.features;

import io.mailflow.model.LineItem;
import io.mailflow.model.SessionSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pure functions behind {@link ModelSignals} and {@link ModelExtras}: how a session or an e-mail signal changes a
 * user's signals, and what the model sees of them. Inputs are bounded here whatever the validators upstream let
 * through: at most {@link #MAX_TERMS_PER_SESSION} search terms of a session are looked at, each normalised and cut
 * to {@link #MAX_TERM_CHARS} characters, and only their hashes are kept (a term can hold personal data, such as an
 * e-mail address; it is never stored, emitted or logged).
 */
final class ExtraSignals {
    static final int MAX_TERMS_PER_SESSION = 16;
    static final int MAX_TERM_CHARS = 64;
    /** Unit prices above this are taken as this: a price feeds only ratios and logs. */
    static final double MAX_PRICE = 1e9;

    private ExtraSignals() {}

    /** {@code s} (null: none yet) decayed by {@code f} and updated with {@code session}. */
    static ModelSignals session(ModelSignals s, double f, UserHistory before, SessionSummary session) {
        ModelSignals d = decay(s == null ? ModelSignals.NONE : s, f);
        double cartSum = d.cartPriceSum();
        double cartN = d.cartPriced();
        double boughtSum = d.boughtPriceSum();
        double boughtN = d.boughtPriced();
        Set<String> bought = new HashSet<>(session.purchasedItems() == null ? List.of() : session.purchasedItems());
        for (LineItem item : session.cartItems() == null ? List.<LineItem>of() : session.cartItems()) {
            Double price = item == null ? null : item.price();
            if (price != null && price > 0 && Double.isFinite(price)) {
                double p = Math.min(price, MAX_PRICE);
                cartSum += p;
                cartN += 1;
                if (bought.contains(item.itemId())) {
                    boughtSum += p;
                    boughtN += 1;
                }
            }
        }
        boolean seenBefore = before != null && before.totalSessions() > 0;
        return new ModelSignals(
                seenBefore ? before.lastSessionEnd() : 0,
                session.purchases() > 0 ? Math.max(d.lastPurchaseAt(), session.end()) : d.lastPurchaseAt(),
                searches(d.searchHashes(), session.searchTerms() == null ? List.of() : session.searchTerms()),
                cartSum,
                cartN,
                boughtSum,
                boughtN,
                d.emailOpens(),
                d.emailClicks(),
                d.unsubscribes(),
                d.lastEmailAt());
    }

    /** {@code s} (null: none yet) decayed by {@code f} and updated with an e-mail signal. */
    static ModelSignals email(ModelSignals s, double f, FeatureSignal e) {
        ModelSignals d = decay(s == null ? ModelSignals.NONE : s, f);
        FeatureSignal.Kind k = e.kind();
        boolean reached = k == FeatureSignal.Kind.EMAIL_DELIVERED
                || k == FeatureSignal.Kind.EMAIL_OPENED
                || k == FeatureSignal.Kind.EMAIL_CLICKED;
        return new ModelSignals(
                d.previousSessionEnd(),
                d.lastPurchaseAt(),
                d.searchHashes(),
                d.cartPriceSum(),
                d.cartPriced(),
                d.boughtPriceSum(),
                d.boughtPriced(),
                d.emailOpens() + (k == FeatureSignal.Kind.EMAIL_OPENED ? 1 : 0),
                d.emailClicks() + (k == FeatureSignal.Kind.EMAIL_CLICKED ? 1 : 0),
                d.unsubscribes() + (k == FeatureSignal.Kind.UNSUBSCRIBED ? 1 : 0),
                reached ? Math.max(d.lastEmailAt(), e.at()) : d.lastEmailAt());
    }

    /** What the model sees of history {@code h} at its latest session's end. */
    static ModelExtras extras(UserHistory h) {
        ModelSignals s = h.signals() == null ? ModelSignals.NONE : h.signals();
        double views = h.eventCounts()[io.mailflow.model.EventType.VIEW.ordinal()];
        double clicks = h.eventCounts()[io.mailflow.model.EventType.CLICK.ordinal()];
        double cartMean = s.cartPriced() > 0 ? s.cartPriceSum() / s.cartPriced() : Double.NaN;
        double boughtMean = s.boughtPriced() > 0 ? s.boughtPriceSum() / s.boughtPriced() : Double.NaN;
        String[] tokens = new String[ModelExtras.CATEGORICAL];
        long[] terms = s.searchHashes() == null ? new long[0] : s.searchHashes();
        for (int i = 0; i < Math.min(terms.length, ModelExtras.SEARCH_TOKENS); i++) {
            tokens[i] = Long.toHexString(terms[i]);
        }
        List<String> top = topCategories(h.categories(), ModelExtras.CATEGORY_TOKENS);
        for (int i = 0; i < top.size(); i++) {
            tokens[ModelExtras.SEARCH_TOKENS + i] = Long.toHexString(hash(top.get(i)));
        }
        return new ModelExtras(
                h.lastSessionEnd(),
                s.previousSessionEnd(),
                s.lastPurchaseAt(),
                s.lastEmailAt(),
                (clicks + 1) / (views + 2),
                boughtMean / cartMean,
                Math.log1p(cartMean),
                Math.log1p(s.emailOpens()),
                Math.log1p(s.emailClicks()),
                Math.log1p(s.unsubscribes()),
                tokens);
    }

    /** The {@code n} categories of highest affinity, ties broken by id so that replays agree. */
    static List<String> topCategories(Map<String, Double> categories, int n) {
        if (categories == null) {
            return List.of();
        }
        return categories.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(n)
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The most recent distinct term hashes: this session's terms (latest first) before the earlier ones. */
    static long[] searches(long[] earlier, List<String> sessionTerms) {
        List<Long> out = new ArrayList<>();
        int from = Math.max(0, sessionTerms.size() - MAX_TERMS_PER_SESSION);
        for (int i = sessionTerms.size() - 1; i >= from && out.size() < ModelExtras.SEARCH_TOKENS; i--) {
            String term = normalise(sessionTerms.get(i));
            if (!term.isEmpty() && !out.contains(hash(term))) {
                out.add(hash(term));
            }
        }
        for (long h : earlier == null ? new long[0] : earlier) {
            if (out.size() < ModelExtras.SEARCH_TOKENS && !out.contains(h)) {
                out.add(h);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** Lower case, trimmed, runs of white space as one space, at most {@link #MAX_TERM_CHARS} characters. */
    static String normalise(String term) {
        if (term == null) {
            return "";
        }
        String bounded = term.length() > 4 * MAX_TERM_CHARS ? term.substring(0, 4 * MAX_TERM_CHARS) : term;
        String t = bounded.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        return t.length() > MAX_TERM_CHARS ? t.substring(0, MAX_TERM_CHARS) : t;
    }

    /** FNV-1a over the UTF-16 code units, then the MurmurHash3 finalizer: stable across JVMs and runs. */
    static long hash(String s) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    /** {@code s} with every decayed quantity multiplied by {@code f}. */
    static ModelSignals decay(ModelSignals s, double f) {
        return new ModelSignals(
                s.previousSessionEnd(),
                s.lastPurchaseAt(),
                s.searchHashes(),
                s.cartPriceSum() * f,
                s.cartPriced() * f,
                s.boughtPriceSum() * f,
                s.boughtPriced() * f,
                s.emailOpens() * f,
                s.emailClicks() * f,
                s.unsubscribes() * f,
                s.lastEmailAt());
    }
}
