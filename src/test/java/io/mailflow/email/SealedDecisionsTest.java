package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.DryRunDecision;
import io.mailflow.model.Recipient;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.InMemoryUserKeyTopic;
import io.mailflow.privacy.PersonalDataCipher;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * A dry run's decision quotes the rendered subject and the start of the text, which name the user: with encryption
 * on both leave sealed under the user's key (their own field names in the associated data), a reader opens them while
 * the key exists and shows "[erased]" after; with encryption off they stay plain.
 */
class SealedDecisionsTest {
    static final String NAME = "Annika Secretname";

    private static RenderFunction render(EncryptionSettings enc) {
        return new RenderFunction(
                new EmailComposer.Settings(
                        "",
                        "shop@mailflow.test",
                        "https://t.example.com/mf/",
                        "",
                        false,
                        Duration.ofDays(1),
                        EmailComposerTest.SECRET,
                        Map.of("shopUrl", "https://shop.test", "shopName", "Test Shop")),
                enc);
    }

    private static EncryptionSettings encryption(String log) {
        return new EncryptionSettings(
                true, "m1", Base64.getEncoder().encodeToString(new byte[32]), InMemoryUserKeyTopic.named(log));
    }

    private static AddressedRequest dryRun(Recipient to) {
        AddressedRequest plain = TemplateRendererTest.request("abandoned-cart", NAME, "en");
        return new AddressedRequest(plain.request().asDryRun(), to);
    }

    private static DryRunDecision decisionOf(RenderFunction f, AddressedRequest a) throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(f)) {
            h.processElement(a, 0);
            assertThat(h.extractOutputValues()).as("a dry run sends nothing").isEmpty();
            return h.getSideOutput(RenderFunction.DRY_RUN_SENDS)
                    .iterator()
                    .next()
                    .getValue();
        }
    }

    @Test
    void withEncryptionSubjectAndExcerptAreSealedAndAnErasureMakesThemUnreadable() throws Exception {
        EncryptionSettings enc = encryption("decisions-sealed");
        PersonalDataCipher cipher = enc.open();
        Recipient sealed = new Recipient(
                cipher.encryptCreatingKey("u1", PersonalDataCipher.EMAIL, "u1@example.com"),
                cipher.encryptCreatingKey("u1", PersonalDataCipher.NAME, NAME),
                "en",
                "UTC");
        DryRunDecision d = decisionOf(render(enc), dryRun(sealed));

        assertThat(d.decision()).isEqualTo(DryRunDecision.Kind.SEND);
        assertThat(d.subject()).startsWith("mfe1.");
        assertThat(d.excerpt()).startsWith("mfe1.");
        assertThat(io.mailflow.io.Json.toText(d)).doesNotContain("Secretname").doesNotContain("Annika");
        // each under its own field: a subject cannot be passed off as an e-mail's subject or an excerpt
        assertThat(SealedDecisions.open(d, cipher).subject()).contains(NAME);
        assertThat(SealedDecisions.open(d, cipher).excerpt()).contains(NAME);
        assertThat(opens(cipher, PersonalDataCipher.SUBJECT, d.subject())).isFalse();
        assertThat(opens(cipher, PersonalDataCipher.DECISION_EXCERPT, d.subject()))
                .isFalse();

        cipher.erase("u1");
        try (PersonalDataCipher later = enc.open()) {
            DryRunDecision shown = SealedDecisions.open(d, later);
            assertThat(shown.subject()).isEqualTo(SealedDecisions.ERASED);
            assertThat(shown.excerpt()).isEqualTo(SealedDecisions.ERASED);
            assertThat(shown.requestId()).isEqualTo(d.requestId());
        }
    }

    @Test
    void aRecipientKeptInPlainTextFromBeforeEncryptionGetsAKeyAndASealedDecision() throws Exception {
        EncryptionSettings enc = encryption("decisions-plain-recipient");
        DryRunDecision d = decisionOf(render(enc), dryRun(new Recipient("u1@example.com", NAME, "en", "UTC")));
        assertThat(d.subject()).startsWith("mfe1.");
        try (PersonalDataCipher cipher = enc.open()) {
            assertThat(SealedDecisions.open(d, cipher).subject()).contains(NAME);
        }
    }

    @Test
    void withoutEncryptionTheDecisionStaysPlain() throws Exception {
        DryRunDecision d = decisionOf(
                render(EncryptionSettings.DISABLED), dryRun(new Recipient("u1@example.com", NAME, "en", "UTC")));
        assertThat(d.subject()).contains(NAME);
        assertThat(SealedDecisions.isSealed(d)).isFalse();
        assertThat(SealedDecisions.open(d, null)).isEqualTo(d);
    }

    @Test
    void aSealedTextIsKeptWholeWhereAPlainOneIsCut() throws Exception {
        EncryptionSettings enc = encryption("decisions-long");
        try (PersonalDataCipher cipher = enc.open()) {
            String longSubject = "\u00e9".repeat(5_000); // two UTF-8 bytes a character
            DryRunDecision plain = new DryRunDecision(
                    "r", "c", "A", "u9", "T", DryRunDecision.Kind.SEND, "", longSubject, 0L, 0L, "x".repeat(900));
            assertThat(plain.excerpt()).hasSizeLessThanOrEqualTo(DryRunDecision.MAX_EXCERPT_CHARS);
            DryRunDecision sealed = SealedDecisions.seal(plain, cipher, true);
            assertThat(sealed.subject()).hasSizeLessThanOrEqualTo(DryRunDecision.MAX_SEALED_CHARS);
            assertThat(SealedDecisions.open(sealed, cipher).subject()).isEqualTo(plain.subject());
            assertThat(SealedDecisions.open(sealed, cipher).excerpt()).isEqualTo(plain.excerpt());
        }
    }

    private static boolean opens(PersonalDataCipher c, String field, String value) {
        try {
            c.decrypt("u1", field, value);
            return true;
        } catch (io.mailflow.privacy.KeyUnavailableException e) {
            return false;
        }
    }
}
