package io.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.model.Attempt;
import io.mailflow.model.SendResult;
import java.util.List;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Issue 11, items 6 and 9: a relay rejection suppresses nobody; no address leaves in any output. */
class SendOutcomeFunctionTest {

    private static SendResult failed(Attempt.Outcome outcome, int code, String reply) {
        return new SendResult(
                "r1",
                "<r1@shop.test>",
                "c1",
                "default",
                "u1",
                SendResult.FAILED_PERMANENT,
                1,
                5,
                reply,
                10,
                code,
                List.of(new Attempt(1, 0, 5, outcome, code, reply)));
    }

    @Test
    void aRelayRejectionSuppressesNobody() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new SendOutcomeFunction())) {
            h.processElement(failed(Attempt.Outcome.PERMANENT_FAILURE, 554, "554 5.7.1 Message content rejected"), 0);
            h.processElement(failed(Attempt.Outcome.PERMANENT_FAILURE, 530, "530 5.7.0 Authentication required"), 0);
            assertThat(h.getSideOutput(SendOutcomeFunction.SUPPRESSIONS)).isNullOrEmpty();
            assertThat(h.getSideOutput(Tags.DEAD_LETTERS)).hasSize(2);
        }
    }

    @Test
    void aRecipientRejectionIsABounce() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new SendOutcomeFunction())) {
            h.processElement(failed(Attempt.Outcome.RECIPIENT_REJECTED, 550, "550 5.1.1 user unknown"), 0);
            assertThat(h.getSideOutput(SendOutcomeFunction.SUPPRESSIONS)).hasSize(1);
            assertThat(h.getSideOutput(SendOutcomeFunction.SUPPRESSIONS)
                            .peek()
                            .getValue()
                            .reason())
                    .isEqualTo("BOUNCED");
        }
    }

    @Test
    void noAddressInAuditOrDeadLetters() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new SendOutcomeFunction())) {
            h.processElement(
                    failed(
                            Attempt.Outcome.RECIPIENT_REJECTED,
                            550,
                            "550 5.1.1 <ann.lee+shop@example.com>: user unknown"),
                    0);
            String all = String.valueOf(h.getSideOutput(SendOutcomeFunction.AUDIT))
                    + h.getSideOutput(Tags.DEAD_LETTERS)
                    + h.extractOutputValues();
            assertThat(all)
                    .doesNotContain("ann.lee")
                    .doesNotContain("example.com")
                    .contains("5.1.1");
        }
    }
}
