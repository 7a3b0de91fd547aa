package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CampaignLabelsTest {
    @Test
    void onlyAdmittedPairsBecomeLabelsAndTheirNumberIsBounded() {
        CampaignLabels labels = new CampaignLabels();
        labels.admit("c1", "A");
        assertThat(labels.campaign("c1", "A")).isEqualTo("c1");
        assertThat(labels.variant("c1", "A")).isEqualTo("A");
        assertThat(labels.campaign("c1", "forged")).isEqualTo(CampaignLabels.OTHER);
        assertThat(labels.campaign("forged", "A")).isEqualTo(CampaignLabels.OTHER);

        for (int i = 0; i < 10 * CampaignLabels.MAX_LABELS; i++) {
            labels.admit("c" + i, "A");
        }
        assertThat(labels.size()).isEqualTo(CampaignLabels.MAX_LABELS);
        assertThat(labels.campaign("c" + (5 * CampaignLabels.MAX_LABELS), "A")).isEqualTo(CampaignLabels.OTHER);
    }
}
