package io.mailflow.model;

/**
 * One recommended item in an e-mail.
 *
 * @param itemId the item
 * @param score ranking score (higher first); comparable only within one e-mail
 * @param source why it was chosen: {@code recent} (the user looked at it lately), {@code co-occurrence}
 *     (in sessions together with the user's recent items), {@code segment} (top of the user's segment) or
 *     {@code popular} (top overall)
 */
public record Recommendation(String itemId, double score, String source) {}
