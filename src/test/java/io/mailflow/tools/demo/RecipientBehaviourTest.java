package io.mailflow.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated recipients' answers: deterministic from the seed and the request, at the configured rates. */
class RecipientBehaviourTest {
    private static final int N = 20_000;
    private static final RecipientBehaviour.Rates CART = RecipientBehaviour.DEFAULT_RATES.get("abandoned-cart");

    @Test
    void theSameSeedAndRequestGiveTheSameAnswer() {
        RecipientBehaviour a = new RecipientBehaviour(7, RecipientBehaviour.DEFAULT_RATES);
        RecipientBehaviour b = new RecipientBehaviour(7, RecipientBehaviour.DEFAULT_RATES);
        RecipientBehaviour other = new RecipientBehaviour(8, RecipientBehaviour.DEFAULT_RATES);
        int differ = 0;
        for (int i = 0; i < 1000; i++) {
            assertThat(a.answer("abandoned-cart", "r-" + i, true))
                    .isEqualTo(b.answer("abandoned-cart", "r-" + i, true));
            differ += a.answer("abandoned-cart", "r-" + i, true).equals(other.answer("abandoned-cart", "r-" + i, true))
                    ? 0
                    : 1;
        }
        assertThat(differ).as("another seed, other answers").isGreaterThan(300);
    }

    @Test
    void answersFollowTheCampaignsRates() {
        RecipientBehaviour b = new RecipientBehaviour(42, RecipientBehaviour.DEFAULT_RATES);
        long open = 0;
        long click = 0;
        long unsub = 0;
        long buy = 0;
        long holdoutBuy = 0;
        for (int i = 0; i < N; i++) {
            RecipientBehaviour.Answer a = b.answer("abandoned-cart", "req-" + i, true);
            assertThat(!a.click() || a.open()).as("a click needs an open").isTrue();
            assertThat(a.buy() == a.amount() > 0).isTrue();
            open += a.open() ? 1 : 0;
            click += a.click() ? 1 : 0;
            unsub += a.unsubscribe() ? 1 : 0;
            buy += a.buy() ? 1 : 0;
            RecipientBehaviour.Answer h = b.answer("abandoned-cart", "hold-" + i, false);
            assertThat(h.open() || h.click() || h.unsubscribe())
                    .as("no e-mail, no open")
                    .isFalse();
            holdoutBuy += h.buy() ? 1 : 0;
        }
        assertThat(rate(open)).isCloseTo(CART.expectedOpenRate(), within(sigmas(CART.expectedOpenRate())));
        assertThat(rate(click)).isCloseTo(CART.expectedClickRate(), within(sigmas(CART.expectedClickRate())));
        assertThat(rate(unsub))
                .isCloseTo(CART.expectedUnsubscribeRate(), within(sigmas(CART.expectedUnsubscribeRate())));
        assertThat(rate(buy))
                .isCloseTo(CART.expectedMailedConversion(), within(sigmas(CART.expectedMailedConversion())));
        assertThat(rate(holdoutBuy))
                .isCloseTo(CART.expectedHoldoutConversion(), within(sigmas(CART.expectedHoldoutConversion())));
    }

    @Test
    void campaignsDifferAndTheLiftIsPositive() {
        assertThat(RecipientBehaviour.DEFAULT_RATES.get("abandoned-cart").expectedClickRate())
                .isGreaterThan(RecipientBehaviour.DEFAULT_RATES.get("win-back").expectedClickRate());
        for (Map.Entry<String, RecipientBehaviour.Rates> e : RecipientBehaviour.DEFAULT_RATES.entrySet()) {
            assertThat(e.getValue().expectedLift()).as(e.getKey()).isPositive();
        }
        // 1 - (1 - 0.5 * 0.4 * 0.5) * (1 - 0.05) = 0.145
        assertThat(CART.expectedMailedConversion()).isCloseTo(0.145, within(1e-12));
    }

    private static double rate(long x) {
        return (double) x / N;
    }

    private static double sigmas(double p) {
        return 4 * Math.sqrt(p * (1 - p) / N);
    }
}
