package io.mailflow.model;

import java.util.List;
import java.util.Map;

/**
 * A decision to e-mail a user, with the reason it exists. {@code requestId} is derived
 * deterministically from the trigger, so one trigger never yields two different requests.
 *
 * @param requestId {@code RequestIds.of(campaignId, userId, triggering fact)}
 * @param campaignId the campaign that decided to send
 * @param trigger the trigger type, e.g. {@code ABANDONED_CART}
 * @param templateId the variant's default template; {@code localeTemplates} may override it per locale
 * @param userId the recipient's user id
 * @param triggeredAt event time at which the trigger fired
 * @param sessionKey the triggering session, or another key of the triggering fact
 * @param items the trigger's context items (the abandoned cart, the browsed item, the purchase)
 * @param currency currency of the items' prices, or null
 * @param campaignVersion version of the campaign definition that fired
 * @param variant the experiment variant the user is assigned to
 * @param holdout true if the user is in the campaign's holdout group: tracked for lift, never mailed
 * @param segment the user's segment when the trigger fired, or null if not yet known
 * @param segmentModelVersion version of the k-means model that assigned {@code segment}, or null
 * @param score the user's purchase propensity when the trigger fired, or null if not yet known
 * @param scoreModelVersion version of the propensity model that computed {@code score}, or null
 * @param recommendations ranked items for the e-mail, best first
 * @param localeTemplates per-locale template overrides of the variant (locale tag to template id)
 * @param rules the campaign's guardrail parameters
 * @param scheduledAt event time at which the guardrails released it (equals {@code triggeredAt} unless deferred)
 * @param products the catalog's entries for {@code items} and {@code recommendations}, when a catalog is configured
 *     (empty without one); added after 0.1.0, so a request restored from an older savepoint has null
 * @param uplift how uplift targeting decided it (campaigns with {@code targeting: {uplift: ...}}), else null; added
 *     with issue 16, so a request restored from an older savepoint has null
 */
public record EmailRequest(
        String requestId,
        String campaignId,
        String trigger,
        String templateId,
        String userId,
        long triggeredAt,
        String sessionKey,
        List<LineItem> items,
        String currency,
        long campaignVersion,
        String variant,
        boolean holdout,
        Integer segment,
        Long segmentModelVersion,
        Double score,
        Long scoreModelVersion,
        List<Recommendation> recommendations,
        Map<String, String> localeTemplates,
        SendRules rules,
        long scheduledAt,
        List<CatalogItem> products,
        UpliftDecision uplift) {

    /** A request without uplift targeting (as before it existed). */
    public EmailRequest(
            String requestId,
            String campaignId,
            String trigger,
            String templateId,
            String userId,
            long triggeredAt,
            String sessionKey,
            List<LineItem> items,
            String currency,
            long campaignVersion,
            String variant,
            boolean holdout,
            Integer segment,
            Long segmentModelVersion,
            Double score,
            Long scoreModelVersion,
            List<Recommendation> recommendations,
            Map<String, String> localeTemplates,
            SendRules rules,
            long scheduledAt,
            List<CatalogItem> products) {
        this(
                requestId,
                campaignId,
                trigger,
                templateId,
                userId,
                triggeredAt,
                sessionKey,
                items,
                currency,
                campaignVersion,
                variant,
                holdout,
                segment,
                segmentModelVersion,
                score,
                scoreModelVersion,
                recommendations,
                localeTemplates,
                rules,
                scheduledAt,
                products,
                null);
    }

    /** A request without catalog data (no catalog configured, or before the enrichment). */
    public EmailRequest(
            String requestId,
            String campaignId,
            String trigger,
            String templateId,
            String userId,
            long triggeredAt,
            String sessionKey,
            List<LineItem> items,
            String currency,
            long campaignVersion,
            String variant,
            boolean holdout,
            Integer segment,
            Long segmentModelVersion,
            Double score,
            Long scoreModelVersion,
            List<Recommendation> recommendations,
            Map<String, String> localeTemplates,
            SendRules rules,
            long scheduledAt) {
        this(
                requestId,
                campaignId,
                trigger,
                templateId,
                userId,
                triggeredAt,
                sessionKey,
                items,
                currency,
                campaignVersion,
                variant,
                holdout,
                segment,
                segmentModelVersion,
                score,
                scoreModelVersion,
                recommendations,
                localeTemplates,
                rules,
                scheduledAt,
                List.of());
    }

    /** A request without experiment, model or recommendation context (tests and simple producers). */
    public EmailRequest(
            String requestId,
            String campaignId,
            String trigger,
            String templateId,
            String userId,
            long triggeredAt,
            String sessionKey,
            List<LineItem> items,
            String currency) {
        this(
                requestId,
                campaignId,
                trigger,
                templateId,
                userId,
                triggeredAt,
                sessionKey,
                items,
                currency,
                0L,
                "default",
                false,
                null,
                null,
                null,
                null,
                List.of(),
                Map.of(),
                SendRules.none(),
                triggeredAt);
    }

    /** The template for a recipient's locale: an exact locale override, then its language's, then the default. */
    public String templateFor(String locale) {
        if (locale != null && localeTemplates != null && !localeTemplates.isEmpty()) {
            String exact = localeTemplates.get(locale);
            if (exact != null) {
                return exact;
            }
            int dash = locale.indexOf('-');
            if (dash > 0 && localeTemplates.containsKey(locale.substring(0, dash))) {
                return localeTemplates.get(locale.substring(0, dash));
            }
        }
        return templateId;
    }

    /** This request with another template (resolved for the recipient's locale). */
    public EmailRequest withTemplate(String template) {
        return new EmailRequest(
                requestId,
                campaignId,
                trigger,
                template,
                userId,
                triggeredAt,
                sessionKey,
                items,
                currency,
                campaignVersion,
                variant,
                holdout,
                segment,
                segmentModelVersion,
                score,
                scoreModelVersion,
                recommendations,
                localeTemplates,
                rules,
                scheduledAt,
                products,
                uplift);
    }

    /** This request as part of a dry run: decided as usual, never sent. */
    public EmailRequest asDryRun() {
        return new EmailRequest(
                requestId,
                campaignId,
                trigger,
                templateId,
                userId,
                triggeredAt,
                sessionKey,
                items,
                currency,
                campaignVersion,
                variant,
                holdout,
                segment,
                segmentModelVersion,
                score,
                scoreModelVersion,
                recommendations,
                localeTemplates,
                (rules == null ? SendRules.none() : rules).asDryRun(),
                scheduledAt,
                products,
                uplift);
    }

    /** This request released by the guardrails at {@code at} (event time). */
    public EmailRequest scheduled(long at) {
        return new EmailRequest(
                requestId,
                campaignId,
                trigger,
                templateId,
                userId,
                triggeredAt,
                sessionKey,
                items,
                currency,
                campaignVersion,
                variant,
                holdout,
                segment,
                segmentModelVersion,
                score,
                scoreModelVersion,
                recommendations,
                localeTemplates,
                rules,
                at,
                products,
                uplift);
    }

    /** This request as the catalog sees it: the purchasable items, the recommendations left and their products. */
    public EmailRequest withCatalog(
            List<LineItem> keptItems, List<Recommendation> keptRecommendations, List<CatalogItem> catalogProducts) {
        return new EmailRequest(
                requestId,
                campaignId,
                trigger,
                templateId,
                userId,
                triggeredAt,
                sessionKey,
                keptItems,
                currency,
                campaignVersion,
                variant,
                holdout,
                segment,
                segmentModelVersion,
                score,
                scoreModelVersion,
                keptRecommendations,
                localeTemplates,
                rules,
                scheduledAt,
                catalogProducts,
                uplift);
    }

    /** This request with the uplift targeting decision that let it through (or held it out). */
    public EmailRequest withUplift(UpliftDecision decision) {
        return new EmailRequest(
                requestId,
                campaignId,
                trigger,
                templateId,
                userId,
                triggeredAt,
                sessionKey,
                items,
                currency,
                campaignVersion,
                variant,
                holdout,
                segment,
                segmentModelVersion,
                score,
                scoreModelVersion,
                recommendations,
                localeTemplates,
                rules,
                scheduledAt,
                products,
                decision);
    }

    /** The catalog entry of an item, or null (no catalog, or the item is not in it). */
    public CatalogItem product(String itemId) {
        if (products == null) {
            return null;
        }
        for (CatalogItem p : products) {
            if (p.itemId().equals(itemId)) {
                return p;
            }
        }
        return null;
    }
}
