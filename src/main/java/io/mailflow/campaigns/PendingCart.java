package io.mailflow.campaigns;

import io.mailflow.model.LineItem;
import java.util.List;

/** An abandoned cart waiting for its delay to pass (keyed state of {@link AbandonedCartFunction}). */
public record PendingCart(String sessionKey, long sessionEnd, long dueAt, List<LineItem> items, String currency) {}
