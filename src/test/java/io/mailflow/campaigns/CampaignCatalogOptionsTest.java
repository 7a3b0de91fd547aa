package io.mailflow.campaigns;

import static io.mailflow.campaigns.CampaignParserTest.REAL_TEMPLATES;
import static io.mailflow.campaigns.CampaignParserTest.doc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.model.CatalogPolicy;
import org.junit.jupiter.api.Test;

/** The campaign's {@code catalog} block: what a catalog-enabled job does with its requests. */
class CampaignCatalogOptionsTest {
    private static final String BASE = """
            id: cart
            version: 1
            trigger: {type: abandoned-cart}
            variants: [{id: A, template: abandoned-cart}]
            """;

    @Test
    void absentMeansSkipWithoutAnImageRule() throws Exception {
        CampaignDefinition c = REAL_TEMPLATES.parse(doc(BASE));
        assertThat(CatalogPolicy.ofWire(c.catalogPolicy())).isEqualTo(CatalogPolicy.SKIP);
        assertThat(c.requireImages()).isFalse();
    }

    @Test
    void readsThePolicyAndTheImageRule() throws Exception {
        CampaignDefinition c =
                REAL_TEMPLATES.parse(doc(BASE + "catalog: {whenUnavailable: recommend, requireImages: true}\n"));
        assertThat(c.catalogPolicy()).isEqualTo("recommend");
        assertThat(c.requireImages()).isTrue();
    }

    @Test
    void rejectsUnknownPoliciesAndFields() {
        assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc(BASE + "catalog: {whenUnavailable: maybe}\n")))
                .hasMessageContaining("catalog.whenUnavailable");
        assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc(BASE + "catalog: {images: true}\n")))
                .hasMessageContaining("images");
    }
}
