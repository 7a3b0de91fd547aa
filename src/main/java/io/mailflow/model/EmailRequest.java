package io.mailflow.model;

import java.util.List;

/**
 * A decision to e-mail a user, with the reason it exists. {@code requestId} is derived
 * deterministically from the trigger, so one trigger never yields two different requests.
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
        String currency) {}
