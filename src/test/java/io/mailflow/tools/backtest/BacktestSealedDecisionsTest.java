package io.mailflow.tools.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.email.SealedDecisions;
import io.mailflow.model.DryRunDecision;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.InMemoryUserKeyTopic;
import io.mailflow.privacy.PersonalDataCipher;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backtest report reads sealed decisions: opened while the user's key exists, "[erased]" after. */
class BacktestSealedDecisionsTest {
    @Test
    void sealedDecisionsAreOpenedForTheReportOrShownErased() throws Exception {
        EncryptionSettings enc = new EncryptionSettings(
                true, "m1", Base64.getEncoder().encodeToString(new byte[32]), InMemoryUserKeyTopic.named("backtest"));
        DryRunDecision anna;
        DryRunDecision bob;
        try (PersonalDataCipher c = enc.open()) {
            anna = SealedDecisions.seal(decision("u-1", "Anna, you left 1 item"), c, true);
            bob = SealedDecisions.seal(decision("u-2", "Bob, you left 2 items"), c, true);
            c.erase("u-2");
        }
        DryRunDecision hold = new DryRunDecision(
                "r3", "c", "A", "u-3", "ABANDONED_CART", DryRunDecision.Kind.HOLDOUT, "", "", 0L, 0L);
        List<DryRunDecision> shown = Backtest.readable(List.of(anna, bob, hold), enc);
        assertThat(shown.get(0).subject()).isEqualTo("Anna, you left 1 item");
        assertThat(shown.get(0).excerpt()).isEqualTo("Hi Anna");
        assertThat(shown.get(1).subject()).isEqualTo(SealedDecisions.ERASED);
        assertThat(shown.get(2)).isEqualTo(hold);
        // a run without encryption cannot open them either
        assertThat(Backtest.readable(List.of(anna), EncryptionSettings.DISABLED)
                        .get(0)
                        .subject())
                .isEqualTo(SealedDecisions.ERASED);
    }

    private static DryRunDecision decision(String user, String subject) {
        return new DryRunDecision(
                "r-" + user,
                "c",
                "A",
                user,
                "ABANDONED_CART",
                DryRunDecision.Kind.SEND,
                "",
                subject,
                0L,
                0L,
                "Hi " + subject.substring(0, subject.indexOf(',')));
    }
}
