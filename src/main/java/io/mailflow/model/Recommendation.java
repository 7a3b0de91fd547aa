package io.mailflow.model;

/**
 * One recommended item in an e-mail.
 *
 * @param itemId the item
 * @param score ranking score (higher first); comparable only within one e-mail
 * @param source why it was chosen: {@code context} (from the trigger's items), {@code co-occurrence}
 *     (bought or viewed together with the context items), {@code segment} (top of the user's segment) or
 *     {@code popular} (fallback: top overall)
 */
public record Recommendation(String itemId, double score, String source) {}
