package io.mailflow.campaigns.rules;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.scoring.PropensityScore;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScoreThresholdRuleTest {
    static final CampaignDefinition UP = Campaigns.of("hot", "{type: score-threshold, threshold: 0.6, delay: 5min}");
    static final CampaignDefinition DOWN =
            Campaigns.of("cold", "{type: score-threshold, threshold: 0.6, direction: down}");
    final ScoreThresholdRule rule = new ScoreThresholdRule();

    private Optional<Pending> score(CampaignDefinition c, Double previous, double score) {
        UserFacts before =
                previous == null ? UserFacts.empty() : UserFacts.empty().withScore(previous, 4, BEGINNING - 1);
        return rule.onSignal(
                c,
                UserSignal.of(new PropensityScore("u1", score, 5, BEGINNING)),
                before,
                new RuleFixtures.MapTallies());
    }

    @Test
    void anUpwardCrossingFiresAtOrAboveTheThreshold() {
        Pending p = score(UP, 0.3, 0.6).orElseThrow();
        assertThat(p.trigger()).isEqualTo("SCORE_THRESHOLD");
        assertThat(p.fact()).isEqualTo("score@" + BEGINNING);
        assertThat(p.dueAt()).isEqualTo(BEGINNING + 5 * ONE_MINUTE);
        assertThat(score(UP, 0.7, 0.8)).as("already above").isEmpty();
        assertThat(score(UP, 0.7, 0.3)).as("downwards").isEmpty();
    }

    @Test
    void aDownwardCrossingFiresBelowTheThreshold() {
        assertThat(score(DOWN, 0.6, 0.59)).isPresent();
        assertThat(score(DOWN, 0.3, 0.7)).isEmpty();
        assertThat(score(DOWN, 0.5, 0.4)).as("already below").isEmpty();
    }

    /** A dormant user's idle re-score (issue 15) crosses a threshold like a session's score. */
    @Test
    void anIdleScoreCrossesLikeAnyOther() {
        UserFacts before = Signals.apply(
                UserFacts.empty(), UserSignal.of(new PropensityScore("u1", 0.7, 5, BEGINNING - ONE_MINUTE)));
        PropensityScore idle =
                new PropensityScore("u1", 0.4, 5, BEGINNING + 60 * ONE_MINUTE, io.mailflow.features.SnapshotKind.IDLE);
        Pending p = rule.onSignal(DOWN, UserSignal.of(idle), before, new RuleFixtures.MapTallies())
                .orElseThrow();
        assertThat(p.fact()).isEqualTo("score@" + idle.timestamp());
        assertThat(Signals.apply(before, UserSignal.of(idle)).score()).isEqualTo(0.4);
    }

    @Test
    void aFirstScoreCrossesNothing() {
        assertThat(score(UP, null, 0.9)).isEmpty();
        assertThat(score(DOWN, null, 0.1)).isEmpty();
    }
}
