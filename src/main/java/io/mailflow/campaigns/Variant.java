package io.mailflow.campaigns;

import java.util.Map;

/**
 * One arm of a campaign's experiment.
 *
 * @param id short name, e.g. {@code A}
 * @param weight relative share of the non-holdout users (hash assignment) or prior weight (Thompson)
 * @param template default template id ({@code templates/<id>/<locale>/...})
 * @param localeTemplates template per locale tag, overriding {@code template}
 */
public record Variant(String id, int weight, String template, Map<String, String> localeTemplates)
        implements java.io.Serializable {}
