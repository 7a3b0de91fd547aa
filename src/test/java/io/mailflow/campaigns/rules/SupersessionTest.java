package io.mailflow.campaigns.rules;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.Pending;
import java.util.List;
import org.junit.jupiter.api.Test;

class SupersessionTest {

    static Pending cart(String campaign, long end) {
        return new Pending(campaign, "ABANDONED_CART", "s@" + end, end, end + ONE_HOUR, List.of(), null);
    }

    @Test
    void aNewerFactBeforeTheOlderEmailWasDueSupersedesIt() {
        Pending older = cart("cart", BEGINNING);
        Supersession s = Supersession.of(cart("cart", BEGINNING + 45 * ONE_MINUTE), List.of(older));
        assertThat(s.ignored()).isFalse();
        assertThat(s.superseded()).containsExactly(older);
    }

    @Test
    void aLateFactOlderThanAPendingNewerOneIsIgnored() {
        Supersession s = Supersession.of(cart("cart", BEGINNING), List.of(cart("cart", BEGINNING + 45 * ONE_MINUTE)));
        assertThat(s.ignored()).isTrue();
        assertThat(s.superseded()).isEmpty();
    }

    @Test
    void factsFurtherApartThanTheDelayOrOfOtherCampaignsEachStand() {
        Pending older = cart("cart", BEGINNING);
        assertThat(Supersession.of(cart("cart", BEGINNING + 2 * ONE_HOUR), List.of(older)))
                .isEqualTo(new Supersession(false, List.of()));
        assertThat(Supersession.of(cart("other", BEGINNING + ONE_MINUTE), List.of(older)))
                .isEqualTo(new Supersession(false, List.of()));
    }
}
