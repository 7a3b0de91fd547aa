package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.model.RenderedEmail;
import io.mailflow.privacy.PersonalDataCipher;
import io.mailflow.testing.Downstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The render operator's guard covers rendering only, never the operators chained after it. */
class RenderFunctionTest {
    private static RenderFunction renderFunction() {
        return renderFunction(io.mailflow.privacy.EncryptionSettings.DISABLED);
    }

    private static RenderFunction renderFunction(io.mailflow.privacy.EncryptionSettings enc) {
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

    @Test
    void withEncryptionTheRenderedEmailLeavesSealedAndAnErasedRecipientIsADeadLetter() throws Exception {
        io.mailflow.privacy.EncryptionSettings enc = new io.mailflow.privacy.EncryptionSettings(
                true,
                "m1",
                java.util.Base64.getEncoder().encodeToString(new byte[32]),
                io.mailflow.privacy.InMemoryUserKeyTopic.named("render-sealed"));
        io.mailflow.privacy.PersonalDataCipher cipher = enc.open();
        var plain = TemplateRendererTest.request("abandoned-cart", "Annika Secretname", "en");
        var sealed = new io.mailflow.model.AddressedRequest(
                plain.request(),
                new io.mailflow.model.Recipient(
                        cipher.encryptCreatingKey(
                                "u1",
                                PersonalDataCipher.EMAIL,
                                plain.recipient().email()),
                        cipher.encryptCreatingKey(
                                "u1", PersonalDataCipher.NAME, plain.recipient().name()),
                        "en",
                        "UTC"));
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(renderFunction(enc))) {
            h.processElement(sealed, 0);
            RenderedEmail e = h.extractOutputValues().get(0);
            for (String field : List.of(e.toAddress(), e.toName(), e.subject(), e.html(), e.text())) {
                assertThat(field).startsWith("mfe1.");
            }
            assertThat(e.toString()).doesNotContain("Secretname").doesNotContain("u1@example.com");
            assertThat(cipher.decrypt("u1", PersonalDataCipher.HTML, e.html())).contains("Annika Secretname");
            assertThat(cipher.decrypt("u1", PersonalDataCipher.EMAIL, e.toAddress()))
                    .isEqualTo("u1@example.com");
        }
        cipher.erase("u1");
        var op = new io.mailflow.testing.CountingProcessOperator<>(renderFunction(enc));
        try (var h = new org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness<>(op)) {
            h.open();
            h.processElement(sealed, 0);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(io.mailflow.common.Tags.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(d -> assertThat(d.getValue().reason()).contains("recipient unreadable"));
            assertThat(op.counter(PersonalDataCipher.UNREADABLE_METRIC)).isEqualTo(1);
            assertThat(op.counter("recipientsUnreadable")).isEqualTo(1);
        }
    }

    @Test
    void aFailureDownstreamOfARenderedEmailFailsTheTaskInsteadOfBecomingADeadLetter() throws Exception {
        RenderFunction f = renderFunction();
        try (var opened = ProcessFunctionTestHarnesses.forProcessFunction(f)) {
            var a = TemplateRendererTest.request("abandoned-cart", "Ann", "en");
            assertThatThrownBy(() ->
                            f.processElement(a, Downstream.sideOutputs(f), Downstream.<RenderedEmail>failingOutput()))
                    .isInstanceOf(Downstream.Failure.class);
        }
    }

    @Test
    void aFailureDownstreamOfADeadLetterFailsTheTaskToo() throws Exception {
        RenderFunction f = renderFunction();
        try (var opened = ProcessFunctionTestHarnesses.forProcessFunction(f)) {
            var a = TemplateRendererTest.request("no-such-template", "Ann", "en");
            assertThatThrownBy(() ->
                            f.processElement(a, Downstream.failingSideOutputs(f), Downstream.<RenderedEmail>output()))
                    .isInstanceOf(Downstream.Failure.class);
        }
    }
}
