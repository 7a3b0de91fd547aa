package io.mailflow.features;

import static io.mailflow.features.Sessions.BEGINNING;
import static io.mailflow.features.Sessions.DAY;
import static io.mailflow.features.Sessions.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.model.EventType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FeatureExtractorTest {
    private final FeatureExtractor extractor = new FeatureExtractor(Duration.ofDays(10), 3);

    @Test
    void firstSessionGivesDocumentedLayout() {
        UserHistory h = extractor.update(null, Sessions.cart("u", BEGINNING, "shoes", true, 99.0));
        double[] v = extractor.vector(h);

        assertThat(v).hasSize(FeatureVector.SIZE).hasSize(FeatureVector.NAMES.size());
        assertThat(v[FeatureVector.RECENCY_HOURS]).isZero();
        assertThat(v[FeatureVector.FREQUENCY]).isCloseTo(Math.log1p(1), within(1e-12));
        assertThat(v[FeatureVector.MONETARY]).isCloseTo(Math.log1p(99), within(1e-12));
        assertThat(v[FeatureVector.EVENTS_OFFSET + EventType.SEARCH.ordinal()]).isCloseTo(Math.log1p(2), within(1e-12));
        assertThat(v[FeatureVector.AVG_SESSION_MINUTES]).isCloseTo(Math.log1p(20), within(1e-12));
        assertThat(v[FeatureVector.CART_ABANDONMENT]).isZero();
        assertThat(v[FeatureVector.PURCHASE_FREQUENCY]).isEqualTo(1.0);
        assertThat(v[FeatureVector.SEARCH_ACTIVITY]).isEqualTo(2.0);
        assertThat(v[FeatureVector.TOP_CATEGORY]).isEqualTo(1.0);
    }

    @Test
    void countsDecayWithTheHalfLifeAndRatesUseAllSessions() {
        UserHistory h = extractor.update(null, Sessions.cart("u", BEGINNING, "shoes", false, 50.0));
        // Ten days (one half-life) after the first session ended, a browsing session.
        long next = h.lastSessionEnd() + 10 * DAY - 600_000;
        h = extractor.update(h, Sessions.browse("u", next, 4));

        assertThat(h.sessions()).isCloseTo(0.5 + 1, within(1e-9));
        assertThat(h.eventCounts()[EventType.VIEW.ordinal()]).isCloseTo(3 * 0.5 + 4, within(1e-9));
        assertThat(h.lastGapMs()).isEqualTo(next - (BEGINNING + 1_200_000));
        double[] v = extractor.vector(h);
        assertThat(v[FeatureVector.RECENCY_HOURS]).isCloseTo(Math.log1p(h.lastGapMs() / (double) HOUR), within(1e-12));
        assertThat(v[FeatureVector.CART_ABANDONMENT]).isEqualTo(1.0);
        assertThat(v[FeatureVector.AVG_SESSION_MINUTES]).isCloseTo(Math.log1p(15), within(1e-12));
    }

    @Test
    void categoryAffinityIsTheTopShareAndCategoriesStayBounded() {
        UserHistory h = null;
        for (String c : new String[] {"a", "a", "a", "b", "c", "d"}) {
            h = extractor.update(h, Sessions.cart("u", BEGINNING, c, false, 1.0));
        }
        assertThat(h.categories()).hasSize(3).containsKey("a");
        assertThat(extractor.vector(h)[FeatureVector.TOP_CATEGORY]).isCloseTo(3.0 / 5.0, within(1e-9));
    }

    @Test
    void agingDecaysTheCountsToTheInstantAndKeepsEverythingElse() {
        UserHistory h = extractor.update(null, Sessions.cart("u", BEGINNING, "shoes", true, 50.0));
        h = extractor.signal(h, new FeatureSignal("u", FeatureSignal.Kind.EMAIL_OPENED, h.lastSessionEnd()));
        UserHistory aged = extractor.aged(h, h.lastSessionEnd() + 10 * DAY); // one half-life later

        assertThat(aged.sessions()).isCloseTo(h.sessions() / 2, within(1e-12));
        assertThat(aged.revenue()).isCloseTo(h.revenue() / 2, within(1e-12));
        assertThat(aged.eventCounts()[EventType.VIEW.ordinal()])
                .isCloseTo(h.eventCounts()[EventType.VIEW.ordinal()] / 2, within(1e-12));
        assertThat(aged.signals().emailOpens()).isCloseTo(h.signals().emailOpens() / 2, within(1e-12));
        assertThat(aged.decayedAt()).isEqualTo(h.lastSessionEnd() + 10 * DAY);
        assertThat(aged.lastSessionEnd()).as("no session in it").isEqualTo(h.lastSessionEnd());
        assertThat(aged.lastGapMs()).isEqualTo(h.lastGapMs());
        assertThat(aged.totalSessions()).isEqualTo(h.totalSessions());

        double[] now = extractor.vector(h);
        double[] later = extractor.vector(aged);
        assertThat(later[FeatureVector.FREQUENCY]).isLessThan(now[FeatureVector.FREQUENCY]);
        assertThat(later[FeatureVector.PURCHASE_FREQUENCY])
                .as("a ratio of two decayed counts")
                .isCloseTo(now[FeatureVector.PURCHASE_FREQUENCY], within(1e-12));
        assertThat(later[FeatureVector.RECENCY_HOURS])
                .as("the gap before the latest session: no session came")
                .isEqualTo(now[FeatureVector.RECENCY_HOURS]);
        // the extras keep their instants: evaluated at the later instant, the recency has grown
        int visit = ModelExtras.NUMERIC_NAMES.indexOf("hours_since_visit");
        assertThat(extractor.extras(aged).numeric(h.lastSessionEnd() + 10 * DAY)[visit])
                .isCloseTo(240.0, within(1e-9));
        assertThat(extractor.aged(aged, BEGINNING).decayedAt())
                .as("never backwards")
                .isEqualTo(aged.decayedAt());
    }

    @Test
    void outOfOrderSessionNeverDecaysBackwards() {
        UserHistory late = extractor.update(null, Sessions.browse("u", BEGINNING + DAY, 1));
        UserHistory h = extractor.update(late, Sessions.browse("u", BEGINNING, 1));
        assertThat(h.decayedAt()).isEqualTo(late.decayedAt());
        assertThat(h.sessions()).isEqualTo(2.0);
    }
}
