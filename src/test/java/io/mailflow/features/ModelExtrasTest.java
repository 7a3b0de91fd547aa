package io.mailflow.features;

import static io.mailflow.features.Sessions.BEGINNING;
import static io.mailflow.features.Sessions.DAY;
import static io.mailflow.features.Sessions.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.model.LineItem;
import io.mailflow.model.SessionSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The propensity model's extra inputs: each computation at fixed instants, bounds, hashing and decay. */
class ModelExtrasTest {
    private static final Duration HALF_LIFE = Duration.ofDays(10);
    private final FeatureExtractor extractor = new FeatureExtractor(HALF_LIFE, 5);

    private static final int RECENCY = ModelExtras.NUMERIC_NAMES.indexOf("hours_since_visit");
    private static final int SINCE_PURCHASE = ModelExtras.NUMERIC_NAMES.indexOf("hours_since_purchase");
    private static final int CTR = ModelExtras.NUMERIC_NAMES.indexOf("site_ctr");
    private static final int PRICE_RATIO = ModelExtras.NUMERIC_NAMES.indexOf("price_ratio");
    private static final int OPENS = ModelExtras.NUMERIC_NAMES.indexOf("email_opens");
    private static final int CLICKS = ModelExtras.NUMERIC_NAMES.indexOf("email_clicks");
    private static final int UNSUBSCRIBES = ModelExtras.NUMERIC_NAMES.indexOf("email_unsubscribes");
    private static final int SINCE_EMAIL = ModelExtras.NUMERIC_NAMES.indexOf("hours_since_email");

    @Test
    void layoutNamesMatchTheSizes() {
        assertThat(ModelExtras.NUMERIC_NAMES).hasSize(ModelExtras.NUMERIC).doesNotHaveDuplicates();
        assertThat(ModelExtras.CATEGORICAL_NAMES)
                .hasSize(ModelExtras.CATEGORICAL)
                .doesNotHaveDuplicates();
    }

    @Test
    void recencyGrowsWhileTheUserIsAway() {
        UserHistory h = extractor.update(null, Sessions.browse("u", BEGINNING, 3));
        ModelExtras first = extractor.extras(h);
        assertThat(first.numeric(h.lastSessionEnd())[RECENCY])
                .as("no previous visit")
                .isNaN();

        SessionSummary second = Sessions.browse("u", BEGINNING + DAY, 2); // 10 minutes long
        h = extractor.update(h, second);
        ModelExtras x = extractor.extras(h);
        long end = second.end();
        // at the snapshot: from the previous visit's end (BEGINNING + 10 min) to this session's end
        assertThat(x.numeric(end)[RECENCY]).isCloseTo(24.0, within(1e-9));
        // scored later without a new visit: from the latest visit's end, growing with the scoring instant
        assertThat(x.numeric(end + HOUR)[RECENCY]).isCloseTo(1.0, within(1e-9));
        assertThat(x.numeric(end + 30 * DAY)[RECENCY]).isCloseTo(720.0, within(1e-9));
        assertThat(x.numeric(end + 100L * 365 * DAY)[RECENCY]).isEqualTo(ModelExtras.MAX_HOURS);
    }

    @Test
    void hoursSincePurchaseIsMissingUntilAPurchaseAndThenGrows() {
        UserHistory h = extractor.update(null, Sessions.cart("u", BEGINNING, "shoes", false, 50));
        assertThat(extractor.extras(h).numeric(h.lastSessionEnd())[SINCE_PURCHASE])
                .isNaN();
        h = extractor.update(h, Sessions.cart("u", BEGINNING + DAY, "shoes", true, 50));
        ModelExtras x = extractor.extras(h);
        assertThat(x.numeric(h.lastSessionEnd())[SINCE_PURCHASE]).isZero();
        assertThat(x.numeric(h.lastSessionEnd() + 3 * DAY)[SINCE_PURCHASE]).isCloseTo(72.0, within(1e-9));
    }

    @Test
    void siteClickThroughIsASmoothedRateWithinZeroAndOne() {
        UserHistory none = extractor.update(null, Sessions.browse("u", BEGINNING, 0));
        assertThat(extractor.extras(none).numeric(none.lastSessionEnd())[CTR]).isEqualTo(0.5);
        UserHistory viewsOnly = extractor.update(null, Sessions.browse("u", BEGINNING, 1_000_000));
        assertThat(extractor.extras(viewsOnly).numeric(viewsOnly.lastSessionEnd())[CTR])
                .isBetween(0.0, 1e-5);
        UserHistory clicky = extractor.update(null, session("u", BEGINNING, 0, 500, List.of(), List.of(), List.of()));
        assertThat(extractor.extras(clicky).numeric(clicky.lastSessionEnd())[CTR])
                .as("more clicks than views is clipped")
                .isEqualTo(1.0);
        UserHistory cart =
                extractor.update(null, Sessions.cart("u", BEGINNING, "shoes", false, 10)); // 3 views, 1 click
        assertThat(extractor.extras(cart).numeric(cart.lastSessionEnd())[CTR]).isCloseTo(2.0 / 5.0, within(1e-12));
    }

    @Test
    void priceRatioComparesBoughtWithCartedUnitPrices() {
        UserHistory h = extractor.update(null, Sessions.cart("u", BEGINNING, "tv", false, 100));
        assertThat(extractor.extras(h).numeric(h.lastSessionEnd())[PRICE_RATIO])
                .as("nothing bought")
                .isNaN();
        // same instant as the first session's end, so no decay between them: carted 100 and 20, bought the 20
        h = extractor.update(h, Sessions.cart("u", BEGINNING, "cable", true, 20));
        assertThat(extractor.extras(h).numeric(h.lastSessionEnd())[PRICE_RATIO]).isCloseTo(20.0 / 60.0, within(1e-9));
        UserHistory whale = extractor.update(
                null,
                session(
                        "w",
                        BEGINNING,
                        1,
                        0,
                        List.of(new LineItem("gold", "x", 1e300, 1, BEGINNING)),
                        List.of("gold"),
                        List.of()));
        for (double v : extractor.extras(whale).numeric(whale.lastSessionEnd())) {
            assertThat(Double.isNaN(v) || (v >= 0 && v <= ModelExtras.MAX_HOURS))
                    .isTrue();
        }
        assertThat(extractor.extras(whale).numeric(whale.lastSessionEnd())[PRICE_RATIO])
                .isEqualTo(1.0);
    }

    @Test
    void emailEngagementDecaysWithTheHalfLifeAndTimeSinceEmailGrows() {
        UserHistory h = extractor.signal(null, new FeatureSignal("u", FeatureSignal.Kind.EMAIL_DELIVERED, BEGINNING));
        h = extractor.signal(h, new FeatureSignal("u", FeatureSignal.Kind.EMAIL_OPENED, BEGINNING));
        h = extractor.signal(h, new FeatureSignal("u", FeatureSignal.Kind.EMAIL_CLICKED, BEGINNING));
        // one half-life later: an unsubscribe
        h = extractor.signal(h, new FeatureSignal("u", FeatureSignal.Kind.UNSUBSCRIBED, BEGINNING + 10 * DAY));
        assertThat(h.signals().emailOpens()).isCloseTo(0.5, within(1e-12));
        assertThat(h.signals().emailClicks()).isCloseTo(0.5, within(1e-12));
        assertThat(h.signals().unsubscribes()).isEqualTo(1.0);
        assertThat(h.totalSessions()).isZero();

        SessionSummary first = Sessions.browse("u", BEGINNING + 10 * DAY + HOUR, 2);
        h = extractor.update(h, first);
        assertThat(extractor.vector(h)[FeatureVector.RECENCY_HOURS])
                .as("e-mail signals are not visits: the first session has no gap")
                .isZero();
        double[] x = extractor.extras(h).numeric(first.end());
        assertThat(x[OPENS]).isCloseTo(Math.log1p(0.5 * Math.pow(0.5, (HOUR + 600_000.0) / (10 * DAY))), within(1e-12));
        assertThat(x[CLICKS]).isEqualTo(x[OPENS]);
        assertThat(x[UNSUBSCRIBES]).isGreaterThan(x[OPENS]);
        assertThat(x[SINCE_EMAIL])
                .as("from the click, the last e-mail evidence (an unsubscribe is none)")
                .isCloseTo(10 * 24 + 1 + 1 / 6.0, within(1e-9));
        assertThat(x[RECENCY]).isNaN();
    }

    @Test
    void searchTermsAreNormalisedHashedBoundedAndMostRecentFirst() {
        assertThat(ExtraSignals.normalise("  Running \t SHOES ")).isEqualTo("running shoes");
        assertThat(ExtraSignals.normalise("x".repeat(10_000))).hasSize(ExtraSignals.MAX_TERM_CHARS);
        // pinned: a token must mean the same coordinate in every JVM and every release (models are published)
        assertThat(ExtraSignals.hash("running shoes")).isEqualTo(ExtraSignals.hash("running shoes"));
        assertThat(Long.toHexString(ExtraSignals.hash("running shoes"))).isEqualTo(PINNED_RUNNING_SHOES);

        List<String> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add("term " + i);
        }
        many.add("Running Shoes");
        many.add("ann@example.com");
        UserHistory h = extractor.update(null, session("u", BEGINNING, 1, 0, List.of(), List.of(), many));
        String[] tokens = extractor.extras(h).categorical();
        assertThat(h.signals().searchHashes()).hasSize(ModelExtras.SEARCH_TOKENS);
        assertThat(tokens[0]).isEqualTo(Long.toHexString(ExtraSignals.hash("ann@example.com")));
        assertThat(tokens[1]).isEqualTo(PINNED_RUNNING_SHOES);
        assertThat(tokens[2]).isEqualTo(Long.toHexString(ExtraSignals.hash("term 999")));
        assertThat(String.join(" ", tokens[0], tokens[1], tokens[2]))
                .doesNotContain("@")
                .doesNotContain("ann");

        // a later session's terms come first; repeated terms are kept once
        h = extractor.update(h, session("u", BEGINNING + HOUR, 1, 0, List.of(), List.of(), List.of("running SHOES")));
        assertThat(extractor.extras(h).categorical()[0]).isEqualTo(PINNED_RUNNING_SHOES);
        assertThat(extractor.extras(h).categorical()[1])
                .isEqualTo(Long.toHexString(ExtraSignals.hash("ann@example.com")));
    }

    @Test
    void categoryTokensAreTheStrongestDecayedAffinitiesTiesByName() {
        UserHistory h = extractor.update(null, Sessions.cart("u", BEGINNING, "b", false, 5));
        h = extractor.update(h, Sessions.cart("u", BEGINNING, "a", false, 5));
        h = extractor.update(h, Sessions.cart("u", BEGINNING, "c", false, 5));
        h = extractor.update(h, Sessions.cart("u", BEGINNING, "c", false, 5));
        String[] tokens = extractor.extras(h).categorical();
        assertThat(java.util.Arrays.asList(tokens).subList(ModelExtras.SEARCH_TOKENS, ModelExtras.CATEGORICAL))
                .containsExactly(hex("c"), hex("a"), hex("b"));
        // 'd' carted thrice 30 days (3 half-lives) earlier weighs 3/8 < 1 of a today's category
        UserHistory old = extractor.update(null, Sessions.cart("v", BEGINNING, "d", false, 5));
        old = extractor.update(old, Sessions.cart("v", BEGINNING, "d", false, 5));
        old = extractor.update(old, Sessions.cart("v", BEGINNING, "d", false, 5));
        old = extractor.update(old, Sessions.cart("v", BEGINNING + 30 * DAY - 1_200_000, "e", false, 5));
        assertThat(extractor.extras(old).categorical()[ModelExtras.SEARCH_TOKENS])
                .isEqualTo(hex("e"));
    }

    @Test
    void historiesFromBeforeTheExtrasGiveMissingValuesNotErrors() {
        UserHistory h = extractor.update(null, Sessions.browse("u", BEGINNING, 3));
        UserHistory old = new UserHistory(
                h.firstSeen(),
                h.lastSessionEnd(),
                h.lastGapMs(),
                h.decayedAt(),
                h.sessions(),
                h.revenue(),
                h.eventCounts(),
                h.purchaseSessions(),
                h.totalSessions(),
                h.totalDurationMs(),
                h.cartSessions(),
                h.abandonedSessions(),
                h.categories());
        ModelExtras x = extractor.extras(old);
        assertThat(x.numeric(old.lastSessionEnd() + DAY)[RECENCY]).isCloseTo(24.0, within(1e-9));
        assertThat(x.numeric(old.lastSessionEnd())[SINCE_EMAIL]).isNaN();
        UserHistory next = extractor.update(old, Sessions.browse("u", BEGINNING + DAY, 1));
        assertThat(next.signals().previousSessionEnd()).isEqualTo(h.lastSessionEnd());
    }

    private static final String PINNED_RUNNING_SHOES = "e6e9da64818a8f91";

    private static String hex(String s) {
        return Long.toHexString(ExtraSignals.hash(s));
    }

    private static SessionSummary session(
            String user,
            long start,
            int views,
            int clicks,
            List<LineItem> cart,
            List<String> bought,
            List<String> terms) {
        return new SessionSummary(
                user + "@" + start,
                user,
                start,
                start + 600_000,
                600_000,
                views,
                clicks,
                terms.size(),
                cart.size(),
                0,
                0,
                bought.size(),
                0.0,
                "EUR",
                1,
                List.of(),
                cart,
                bought,
                terms);
    }
}
