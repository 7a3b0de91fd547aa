package io.mailflow.bench;

import static io.mailflow.bench.BanditEvaluation.ITEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.bench.BanditEvaluation.Impression;
import io.mailflow.campaigns.BanditPrior;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The position-aware and contextual policies and the position-matched estimator, on synthetic logs. */
class BanditPoliciesTest {
    static final String TS = "2019-11-24 00:00:00+00:00";
    static final int DRAWS = 2000;
    static final long SEED = 7;

    static Impression shown(int item, int position, int click, String segment) {
        return new Impression(
                TS, item, position, click, 1.0 / ITEMS, new String[] {segment, "u1", "u2", "u3"}, new double[ITEMS]);
    }

    /** {@code n} impressions of {@code item} at {@code position}, {@code clicks} of them clicked. */
    static void add(List<Impression> log, int item, int position, int n, int clicks, String segment) {
        for (int j = 0; j < n; j++) {
            log.add(shown(item, position, j < clicks ? 1 : 0, segment));
        }
    }

    @Test
    void positionFactorsUndoTheLoggingPolicysPlacement() {
        // click rate = item rate (2 %, 0.5 %) x position factor (2, 1, 0.5); the good item mostly shown on top
        List<Impression> log = new ArrayList<>();
        add(log, 0, 1, 10_000, 400, "s");
        add(log, 0, 2, 1_000, 20, "s");
        add(log, 0, 3, 2_000, 20, "s");
        add(log, 1, 1, 2_000, 20, "s");
        add(log, 1, 2, 1_000, 5, "s");
        add(log, 1, 3, 10_000, 25, "s");

        double[] theta = BanditPolicies.positionFactors(log);

        // raw click rates by position would give 9.3 for the first ratio: the item's merit credited to the position
        assertThat(theta[1] / theta[3]).isCloseTo(4.0, within(1e-6));
        assertThat(theta[2] / theta[3]).isCloseTo(2.0, within(1e-6));
        double mean =
                log.stream().mapToDouble(i -> theta[i.position()]).average().orElseThrow();
        assertThat(mean).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void oneBanditPerPositionPicksEachPositionsBestItem() {
        List<Impression> log = new ArrayList<>();
        for (int a = 0; a < ITEMS; a++) {
            for (int p = 1; p <= 3; p++) {
                int clicks = (a == 3 && p == 1) || (a == 7 && p > 1) ? 100 : 1;
                add(log, a, p, 1_000, clicks, "s");
            }
        }
        List<Impression> eval = List.of(shown(0, 1, 0, "s"), shown(0, 2, 0, "s"), shown(0, 3, 0, "s"));

        double[][] pi = BanditPolicies.byPosition(log, eval, DRAWS, SEED, BanditPrior.POOLED);

        assertThat(pi[0][3]).isGreaterThan(0.99);
        assertThat(pi[1][7]).isGreaterThan(0.99);
        assertThat(pi[2][7]).isGreaterThan(0.99);
    }

    @Test
    void segmentsLearnTheirOwnBestItemAndANewSegmentStartsUniform() {
        List<Impression> log = new ArrayList<>();
        for (int a = 0; a < ITEMS; a++) {
            add(log, a, 1, 1_000, a == 5 ? 100 : 1, "A");
            add(log, a, 1, 1_000, a == 9 ? 100 : 1, "B");
        }
        List<Impression> eval = List.of(shown(0, 2, 0, "A"), shown(0, 2, 0, "B"), shown(0, 2, 0, "new"));

        double[][] pi = BanditPolicies.bySegment(log, eval, 0, DRAWS, SEED, BanditPrior.POOLED);

        assertThat(pi[0][5]).isGreaterThan(0.99);
        assertThat(pi[1][9]).isGreaterThan(0.99);
        for (int a = 0; a < ITEMS; a++) {
            assertThat(pi[2][a]).isCloseTo(1.0 / ITEMS, within(0.02));
        }
    }

    @Test
    void kMeansSegmentsSeparateUserGroupsWithDifferentBestItems() {
        // two groups of users, different in every feature, each with its own best item
        List<Impression> log = new ArrayList<>();
        for (int a = 0; a < ITEMS; a++) {
            for (int j = 0; j < 500; j++) {
                log.add(user(a, j < (a == 5 ? 50 : 1) ? 1 : 0, "x"));
                log.add(user(a, j < (a == 9 ? 50 : 1) ? 1 : 0, "y"));
            }
        }
        List<Impression> eval = List.of(user(0, 0, "x"), user(0, 0, "y"));

        double[][] pi = BanditPolicies.byKMeansSegment(log, eval, 2, 3, DRAWS, SEED, BanditPrior.POOLED);

        assertThat(pi[0][5]).isGreaterThan(0.99);
        assertThat(pi[1][9]).isGreaterThan(0.99);
    }

    static Impression user(int item, int click, String group) {
        return new Impression(
                TS,
                item,
                1,
                click,
                1.0 / ITEMS,
                new String[] {group + "0", group + "1", group + "2", group + "3"},
                new double[ITEMS]);
    }

    @Test
    void weightsAreMatchedOnPosition() {
        // uniform-random log: every item K times at every position; only (item 3, top) and (item 7, middle) click
        List<Impression> log = new ArrayList<>();
        for (int a = 0; a < ITEMS; a++) {
            for (int p = 1; p <= 3; p++) {
                boolean hit = (a == 3 && p == 1) || (a == 7 && p == 2);
                add(log, a, p, 10, hit ? 10 : 0, "s");
            }
        }
        double[][] positional = BanditPolicies.apply(log, i -> {
            double[] p = new double[ITEMS];
            p[i.position() == 1 ? 3 : i.position() == 2 ? 7 : 0] = 1;
            return p;
        });
        double[] three = new double[ITEMS];
        three[3] = 1;
        double[][] q = BanditEvaluation.everywhere(log, new double[ITEMS]);

        double[] estimates = BanditEvaluation.estimate(log, null, positional, q);
        double[] blind = BanditEvaluation.estimate(log, null, BanditEvaluation.everywhere(log, three), q);

        assertThat(estimates[0]).isCloseTo(2.0 / 3, within(1e-12)); // IPS
        assertThat(estimates[1]).isCloseTo(2.0 / 3, within(1e-12)); // SNIPS
        assertThat(estimates[2]).isCloseTo(2.0 / 3, within(1e-12)); // DR with a zero reward model is IPS
        assertThat(blind[0]).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void replayIsTheLoggedItemFrequencyPerPosition() {
        List<Impression> logged = new ArrayList<>();
        add(logged, 2, 1, 3, 0, "s");
        add(logged, 4, 1, 1, 0, "s");
        add(logged, 6, 2, 2, 0, "s");

        double[][] pi = BanditPolicies.replay(logged, List.of(shown(0, 1, 0, "s"), shown(0, 3, 0, "s")));

        assertThat(pi[0][2]).isEqualTo(0.75);
        assertThat(pi[0][4]).isEqualTo(0.25);
        assertThat(pi[1][9]).isEqualTo(1.0 / ITEMS); // never logged at position 3: uniform
    }
}
