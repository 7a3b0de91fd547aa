package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.model.RenderedEmail;
import io.mailflow.testing.Downstream;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The render operator's guard covers rendering only, never the operators chained after it. */
class RenderFunctionTest {
    private static RenderFunction renderFunction() {
        return new RenderFunction(new EmailComposer.Settings(
                "",
                "shop@mailflow.test",
                "https://t.example.com/mf/",
                "",
                false,
                Duration.ofDays(1),
                EmailComposerTest.SECRET,
                Map.of("shopUrl", "https://shop.test", "shopName", "Test Shop")));
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
