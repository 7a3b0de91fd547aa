package io.mailflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The typed on-limit action over the wire form that send rules keep in state. */
class LimitActionTest {

    @Test
    void wireFormIsTheLowerCaseName() {
        assertThat(LimitAction.DEFER.wireName()).isEqualTo("defer");
        assertThat(LimitAction.parse("DROP")).isEqualTo(LimitAction.DROP);
        assertThat(LimitAction.parse("")).isNull();
        assertThat(LimitAction.parse(null)).isNull();
        assertThat(LimitAction.parse("later")).isNull();
    }

    @Test
    void sendRulesStoreTheWireFormAndReadItTyped() {
        assertThat(new SendRules(0, 0, 0, 0, LimitAction.DROP)).isEqualTo(new SendRules(0, 0, 0, 0, "drop"));
        assertThat(new SendRules(0, 0, 0, 0, (LimitAction) null).onLimit()).isEmpty();
        assertThat(SendRules.none().limitAction()).isEmpty();
        assertThat(new SendRules(0, 0, 0, 0, "defer").limitAction()).contains(LimitAction.DEFER);
        // the guardrails always deferred on exactly "defer" and dropped on anything else that is set
        assertThat(new SendRules(0, 0, 0, 0, "drop").limitAction()).contains(LimitAction.DROP);
        assertThat(new SendRules(0, 0, 0, 0, "DEFER").limitAction()).contains(LimitAction.DROP);
    }
}
