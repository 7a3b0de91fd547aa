package io.mailflow.campaigns.rules;

import static io.mailflow.campaigns.rules.RuleFixtures.session;
import static io.mailflow.testing.Events.BEGINNING;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.features.UserFeatures;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.segmentation.SegmentAssignment;
import io.mailflow.testing.Events;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalsTest {
    final UserFacts before = UserFacts.empty();

    @Test
    void eachSignalUpdatesItsFactAtItsEventTime() {
        UserSignal session = UserSignal.of(session("u1", BEGINNING, BEGINNING + 9, 1, List.of()));
        assertThat(Signals.time(session)).isEqualTo(BEGINNING + 9);
        assertThat(Signals.apply(before, session).recentItems()).containsExactly("sku-0");

        UserSignal segment = UserSignal.of(new SegmentAssignment("u1", 3, 7, 0.1, BEGINNING + 1));
        assertThat(Signals.time(segment)).isEqualTo(BEGINNING + 1);
        assertThat(Signals.apply(before, segment)).satisfies(f -> {
            assertThat(f.segment()).isEqualTo(3);
            assertThat(f.segmentModelVersion()).isEqualTo(7L);
            assertThat(f.updatedAt()).isEqualTo(BEGINNING + 1);
        });

        UserSignal score = UserSignal.of(new PropensityScore("u1", 0.4, 2, BEGINNING + 2));
        assertThat(Signals.time(score)).isEqualTo(BEGINNING + 2);
        assertThat(Signals.apply(before, score).score()).isEqualTo(0.4);

        UserSignal features =
                UserSignal.of(new UserFeatures("u1", BEGINNING + 3, new double[] {1, 2}, new double[2], 1));
        assertThat(Signals.time(features)).isEqualTo(BEGINNING + 3);
        assertThat(Signals.apply(before, features).features()).containsExactly(1, 2);
    }

    @Test
    void anEventLeavesTheFactsAsTheyAre() {
        UserSignal view = UserSignal.of(Events.view("u1", "sku-1", BEGINNING + 4));
        assertThat(Signals.time(view)).isEqualTo(BEGINNING + 4);
        assertThat(Signals.apply(before, view)).isSameAs(before);
    }
}
