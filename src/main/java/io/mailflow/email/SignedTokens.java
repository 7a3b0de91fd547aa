package io.mailflow.email;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signed, URL-safe tokens for unsubscribe links and tracked redirects.
 *
 * <p>A token is {@code base64url(payload) + "." + base64url(first 16 bytes of HMAC(payload))}. The payload is
 * {@code kind|userId|campaignId|requestId|expiresAtEpochSeconds}; user and campaign ids cannot contain
 * {@code |} (validated upstream: ids are plain text without control characters, and a {@code |} is
 * escaped here). Verification is constant-time and distinguishes forged, malformed and expired tokens,
 * so an unsubscribe endpoint can answer precisely.
 */
public final class SignedTokens {
    private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DEC = Base64.getUrlDecoder();
    private static final int MAC_BYTES = 16;

    private final byte[] secret;

    public SignedTokens(String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("The link-signing secret must be at least 16 characters (set MAILFLOW_LINK_SECRET).");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** What a token says, once verified. */
    public record Claims(String kind, String userId, String campaignId, String requestId, long expiresAtSeconds) {}

    /** The outcome of verifying a token. */
    public enum Status { VALID, FORGED, EXPIRED, MALFORMED }

    /** Verification result: claims are only present when the status is VALID or EXPIRED. */
    public record Verification(Status status, Claims claims) {}

    public String sign(Claims c) {
        String payload = String.join("|", c.kind(), esc(c.userId()), esc(c.campaignId()), esc(c.requestId()),
                Long.toString(c.expiresAtSeconds()));
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        return ENC.encodeToString(p) + "." + ENC.encodeToString(mac(p));
    }

    public Verification verify(String token, long nowSeconds) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0) {
            return new Verification(Status.MALFORMED, null);
        }
        byte[] payload;
        byte[] given;
        try {
            payload = DEC.decode(token.substring(0, dot));
            given = DEC.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return new Verification(Status.MALFORMED, null);
        }
        // Base64 decoding ignores the unused low bits of the last character; refuse such variants so
        // that every token has exactly one spelling.
        if (!ENC.encodeToString(given).equals(token.substring(dot + 1))) {
            return new Verification(Status.MALFORMED, null);
        }
        if (!MessageDigest.isEqual(mac(payload), given)) {
            return new Verification(Status.FORGED, null);
        }
        String[] f = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        if (f.length != 5) {
            return new Verification(Status.MALFORMED, null);
        }
        Claims c;
        try {
            c = new Claims(f[0], unesc(f[1]), unesc(f[2]), unesc(f[3]), Long.parseLong(f[4]));
        } catch (NumberFormatException e) {
            return new Verification(Status.MALFORMED, null);
        }
        return new Verification(nowSeconds > c.expiresAtSeconds() ? Status.EXPIRED : Status.VALID, c);
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] full = mac.doFinal(payload);
            byte[] out = new byte[MAC_BYTES];
            System.arraycopy(full, 0, out, 0, MAC_BYTES);
            return out;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    private static String esc(String s) {
        return s.replace("%", "%25").replace("|", "%7C");
    }

    private static String unesc(String s) {
        return s.replace("%7C", "|").replace("%25", "%");
    }
}
