package io.mailflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.campaigns.BanditPrior;
import io.mailflow.config.MailflowConfig;
import org.junit.jupiter.api.Test;

/** The variant bandit's prior: uniform by default (campaigns decide as before), pooled on request. */
class BanditPriorOptionsTest {
    @Test
    void uniformByDefault() {
        assertThat(PipelineSettings.campaigns(MailflowConfig.defaults())
                        .triggers()
                        .banditPrior())
                .isEqualTo(BanditPrior.UNIFORM);
    }

    @Test
    void pooledWithTheMomentsOrAFixedStrength() {
        MailflowConfig pooled =
                MailflowConfig.builder().set("campaigns.bandit.prior", "pooled").build();
        assertThat(PipelineSettings.campaigns(pooled).triggers().banditPrior()).isEqualTo(BanditPrior.POOLED);
        MailflowConfig fixed = pooled.toBuilder()
                .set("campaigns.bandit.prior-strength", "500")
                .set("topic.variant-stats", "variant-totals")
                .build();
        assertThat(PipelineSettings.campaigns(fixed).triggers().banditPrior())
                .as("kept with the global bandit")
                .isEqualTo(new BanditPrior(BanditPrior.Kind.POOLED, 500));
        assertThat(PipelineSettings.campaigns(fixed).triggers().globalBandit()).isTrue();
        assertThatThrownBy(() -> MailflowConfig.builder().set("campaigns.bandit.prior", "flat"))
                .hasMessageContaining("campaigns.bandit.prior");
        assertThatThrownBy(() -> MailflowConfig.builder().set("campaigns.bandit.prior-strength", "-1"))
                .hasMessageContaining("campaigns.bandit.prior-strength");
    }
}
