package io.mailflow.campaigns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic request ids: the same trigger (campaign, user, triggering fact) always yields the same
 * id, across restarts and replays, so downstream de-duplication and the Message-ID can rely on it.
 */
public final class RequestIds {
    private RequestIds() {}

    public static String of(String campaignId, String userId, String triggerFact) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest(
                    (campaignId + '\u0000' + userId + '\u0000' + triggerFact).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
