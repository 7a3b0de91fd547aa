package io.mailflow.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Campaign fixtures written as the YAML an operator would publish. */
public final class Campaigns {
    /** A parser that accepts every template id (tests do not render). */
    public static final CampaignParser PARSER = new CampaignParser(t -> true);

    private Campaigns() {}

    public static CampaignDefinition parse(String yaml) {
        try {
            List<JsonNode> docs = CampaignDocuments.split(
                    CampaignDocuments.parse(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return PARSER.parse(docs.get(0));
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** {@code id} with the given trigger (YAML flow mapping) and one variant A using template {@code id}. */
    public static CampaignDefinition of(String id, String trigger, String... extraLines) {
        StringBuilder y = new StringBuilder(
                "id: " + id + "\ntrigger: " + trigger + "\nvariants: [{id: A, weight: 1, template: " + id + "}]\n");
        for (String l : extraLines) {
            y.append(l).append('\n');
        }
        return parse(y.toString());
    }

    public static ControlMessage update(CampaignDefinition c) {
        return ControlMessage.of(new CampaignUpdate(c, "test"));
    }
}
