package io.mailflow.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.EmailRequest;
import io.mailflow.model.LimitAction;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Would-be sends and the frequency caps. A dry-run campaign in a live job mails nobody and must not hold back the
 * live campaigns, so its releases count towards no cap. A dry-run job (a backtest) has no live campaigns: its
 * would-be sends count as a live run's sends would, or the backtest would e-mail a user more often than the live
 * job it stands for.
 */
class DryRunCapsTest {
    static final long T0 = Instant.parse("2026-03-02T12:00:00Z").toEpochMilli();
    static final long DAY = 86_400_000L;
    static final ZoneId UTC = ZoneId.of("UTC");

    static GuardrailPolicy policy(boolean dryRunJob) {
        return new GuardrailPolicy(
                new FrequencyCap(1, DAY),
                new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0)),
                LimitAction.DROP,
                3 * DAY,
                false,
                dryRunJob);
    }

    static EmailRequest request(String id, String campaign, long at) {
        return new EmailRequest(id, campaign, "ABANDONED_CART", "abandoned-cart", "u1", at, "s-" + id, List.of(), null)
                .asDryRun();
    }

    @Test
    void inADryRunJobAWouldBeSendCountsTowardsTheCap() {
        GuardrailPolicy p = policy(true);
        EmailRequest first = request("r1", "c1", T0);
        SentEntry e = p.entry(first, T0);
        assertThat(e.counts()).isTrue();
        Decision second = p.decide(request("r2", "c2", T0 + 60_000), UTC, T0 + 60_000, T0 + 60_000, List.of(e));
        assertThat(second.action()).isEqualTo(Decision.Action.DROP);
        assertThat(second.reason()).isEqualTo("frequency cap");
    }

    @Test
    void aDryRunCampaignInALiveJobHoldsNoLiveCampaignBack() {
        GuardrailPolicy p = policy(false);
        SentEntry e = p.entry(request("r1", "c1", T0), T0);
        assertThat(e.counts()).isFalse();
        EmailRequest live = new EmailRequest(
                "r2", "c2", "ABANDONED_CART", "abandoned-cart", "u1", T0 + 60_000, "s-r2", List.of(), null);
        assertThat(p.decide(live, UTC, T0 + 60_000, T0 + 60_000, List.of(e)).action())
                .isEqualTo(Decision.Action.RELEASE);
    }
}
