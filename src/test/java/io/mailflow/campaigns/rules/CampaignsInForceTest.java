package io.mailflow.campaigns.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.model.CampaignStatus.State;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CampaignsInForceTest {
    static final CampaignDefinition B = Campaigns.of("b", "{type: abandoned-cart}");
    static final CampaignDefinition A = Campaigns.of("a", "{type: abandoned-cart}");

    @Test
    void receivedDefinitionsOverrideInitialOnesAndDeletedOnesAreLeftOut() {
        CampaignDefinition a2 = Campaigns.of("a", "{type: post-purchase}", "version: 2");
        CampaignDefinition bDeleted = Campaigns.of("b", "{type: abandoned-cart}", "version: 2", "status: deleted");
        CampaignDefinition c = Campaigns.of("c", "{type: win-back, inactivity: 7d}");
        assertThat(CampaignsInForce.of(
                        Map.of("a", A, "b", B),
                        Map.of("a", a2, "b", bDeleted, "c", c).entrySet()))
                .containsExactly(a2, c);
        assertThat(CampaignsInForce.of(
                        Map.of("b", B, "a", A),
                        Map.<String, CampaignDefinition>of().entrySet()))
                .containsExactly(A, B);
    }

    @Test
    void anOlderVersionIsStaleAndEveryOtherUpdateAppliesWithItsStatus() {
        CampaignDefinition paused = Campaigns.of("a", "{type: abandoned-cart}", "version: 2", "status: paused");
        assertThat(CampaignsInForce.update(null, A)).isEqualTo(new CampaignsInForce.Update(true, State.ACTIVE, ""));
        assertThat(CampaignsInForce.update(A, paused)).isEqualTo(new CampaignsInForce.Update(true, State.PAUSED, ""));
        assertThat(CampaignsInForce.update(paused, A))
                .isEqualTo(new CampaignsInForce.Update(
                        false, State.STALE, "version 1 is older than the running version 2"));
        assertThat(CampaignsInForce.update(A, A))
                .as("the same version is applied again")
                .extracting(CampaignsInForce.Update::apply)
                .isEqualTo(true);
    }
}
