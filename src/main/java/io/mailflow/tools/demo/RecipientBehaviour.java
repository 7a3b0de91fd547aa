package io.mailflow.tools.demo;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How the demo's simulated recipients answer an e-mail, per campaign: whether they open it, click, unsubscribe
 * and buy. Flink-free and deterministic: every answer is drawn from a generator seeded by the run's seed and the
 * request id alone, so the same e-mail gets the same answer in every run with that seed, whatever the order in
 * which e-mails arrive.
 *
 * <p>The model: an e-mail is opened with probability {@code open}; an opened one is clicked with
 * {@code clickGivenOpen} and unsubscribed from with {@code unsubscribeGivenOpen}; a click leads to a purchase
 * with {@code buyGivenClick}. Independently, every user in the campaign's audience, mailed or in the holdout,
 * buys with the baseline {@code baseline} (what they would have done without the e-mail). So the e-mail's true
 * effect on the conversion rate is {@link Rates#expectedLift()}.
 */
final class RecipientBehaviour {

    /**
     * One campaign's rates (probabilities in [0, 1]).
     *
     * @param meanOrder mean order value in USD of a simulated purchase (drawn from 0.5x to 1.5x of it)
     */
    record Rates(
            double open,
            double clickGivenOpen,
            double unsubscribeGivenOpen,
            double buyGivenClick,
            double baseline,
            double meanOrder) {

        double expectedOpenRate() {
            return open;
        }

        double expectedClickRate() {
            return open * clickGivenOpen;
        }

        double expectedUnsubscribeRate() {
            return open * unsubscribeGivenOpen;
        }

        /** Conversion rate of the mailed: a purchase through a click or the baseline one. */
        double expectedMailedConversion() {
            return 1 - (1 - expectedClickRate() * buyGivenClick) * (1 - baseline);
        }

        double expectedHoldoutConversion() {
            return baseline;
        }

        double expectedLift() {
            return expectedMailedConversion() - expectedHoldoutConversion();
        }

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "open %.0f%%, click %.1f%%, unsubscribe %.1f%%, conversion %.1f%% (holdout %.1f%%, lift %+.1f pts)",
                    100 * expectedOpenRate(),
                    100 * expectedClickRate(),
                    100 * expectedUnsubscribeRate(),
                    100 * expectedMailedConversion(),
                    100 * expectedHoldoutConversion(),
                    100 * expectedLift());
        }
    }

    /**
     * Plausible rates for the default campaigns: a cart reminder is opened and bought from most, a cross-sell
     * after a purchase least; a welcome gets opens but few purchases. Higher than a real shop's conversion rates
     * so that a one-minute demo with a few hundred e-mails shows a lift, and unsubscribes (a few percent of e-mails,
     * several times a real list's) so that it shows some.
     */
    static final Map<String, Rates> DEFAULT_RATES = Map.of(
            "abandoned-cart", new Rates(0.50, 0.40, 0.06, 0.50, 0.05, 80),
            "browse-abandonment", new Rates(0.35, 0.30, 0.10, 0.35, 0.03, 60),
            "post-purchase-cross-sell", new Rates(0.30, 0.20, 0.12, 0.30, 0.02, 40),
            "win-back", new Rates(0.20, 0.25, 0.15, 0.30, 0.01, 70),
            "segment-welcome", new Rates(0.45, 0.25, 0.08, 0.25, 0.03, 50),
            "high-propensity", new Rates(0.40, 0.35, 0.06, 0.45, 0.08, 90),
            "back-in-stock", new Rates(0.50, 0.40, 0.04, 0.40, 0.04, 70),
            "price-drop", new Rates(0.50, 0.40, 0.04, 0.45, 0.05, 60));

    /** For a campaign not in the table. */
    static final Rates FALLBACK = new Rates(0.30, 0.25, 0.08, 0.30, 0.03, 60);

    /** What one recipient did with one e-mail (or, in the holdout, without it). */
    record Answer(boolean open, boolean click, boolean unsubscribe, boolean buy, double amount) {}

    private final long seed;
    private final Map<String, Rates> rates;

    RecipientBehaviour(long seed, Map<String, Rates> rates) {
        this.seed = seed;
        this.rates = Map.copyOf(rates);
    }

    Rates rates(String campaignId) {
        return rates.getOrDefault(campaignId, FALLBACK);
    }

    /** The answer to an e-mail of {@code campaignId}; {@code mailed} false for a holdout or control user. */
    Answer answer(String campaignId, String requestId, boolean mailed) {
        Rates r = rates(campaignId);
        SplittableRandom rnd = new SplittableRandom(seed ^ mix(requestId));
        // always the same number of draws, so that an answer does not depend on the ones before it
        double uOpen = rnd.nextDouble();
        double uClick = rnd.nextDouble();
        double uUnsub = rnd.nextDouble();
        double uBuyClick = rnd.nextDouble();
        double uBaseline = rnd.nextDouble();
        double uAmount = rnd.nextDouble();
        boolean open = mailed && uOpen < r.open();
        boolean click = open && uClick < r.clickGivenOpen();
        boolean unsubscribe = open && uUnsub < r.unsubscribeGivenOpen();
        boolean buy = (click && uBuyClick < r.buyGivenClick()) || uBaseline < r.baseline();
        double amount = Math.round(r.meanOrder() * (0.5 + uAmount) * 100) / 100.0;
        return new Answer(open, click, unsubscribe, buy, buy ? amount : 0);
    }

    /** A 64-bit hash of the request id (FNV-1a, then a finalizer): stable across JVMs, unlike String.hashCode alone. */
    static long mix(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
