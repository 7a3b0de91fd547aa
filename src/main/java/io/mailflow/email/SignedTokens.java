package io.mailflow.email;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signed, URL-safe tokens for unsubscribe links, tracked redirects and the open pixel.
 *
 * <p>A token is {@code keyId "." base64url(payload) "." base64url(first 16 bytes of HMAC(key, keyId "." base64url(payload)))}.
 * The payload is {@code kind|userId|campaignId|requestId|expiresAtEpochSeconds|targetHash}, where the kind is
 * {@code c} (click), {@code o} (open) or {@code u} (unsubscribe), {@code |} and {@code %} in ids are escaped, and
 * {@code targetHash} is base64url of the first 16 bytes of SHA-256 of the redirect target for a click token, empty
 * otherwise: a click token is good for its own link only, so the redirect endpoint cannot be used as an open
 * redirect. The key id names the {@link Keyring} key that signed it, so old links keep working while a rotated
 * key is in its grace period.
 *
 * <p>Verification is constant-time in the MAC and tells the endpoint exactly what is wrong: {@link Status}.
 */
public final class SignedTokens {
    private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DEC = Base64.getUrlDecoder();
    private static final int MAC_BYTES = 16;

    private final Keyring keys;

    public SignedTokens(Keyring keys) {
        this.keys = keys;
    }

    /** What a token is for; a token of one kind is refused where another is expected. */
    public enum Kind {
        CLICK("c"),
        OPEN("o"),
        UNSUBSCRIBE("u");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        static Kind of(String code) {
            for (Kind k : values()) {
                if (k.code.equals(code)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** What a token says, once verified. */
    public record Claims(Kind kind, String userId, String campaignId, String requestId, long expiresAtSeconds) {}

    /**
     * The outcome of verifying a token: {@code MALFORMED} (not a token), {@code UNKNOWN_KEY} (signed by a key this
     * keyring does not hold), {@code FORGED} (bad MAC, or a click token presented for another URL),
     * {@code WRONG_KIND}, {@code EXPIRED} (past its expiry or its key's grace period) or {@code VALID}.
     */
    public enum Status {
        VALID,
        FORGED,
        EXPIRED,
        WRONG_KIND,
        UNKNOWN_KEY,
        MALFORMED
    }

    /** Verification result: claims are only present when the status is VALID or EXPIRED. */
    public record Verification(Status status, Claims claims) {}

    /** Signs an open or unsubscribe token with the current key. */
    public String sign(Claims c) {
        return sign(c, "");
    }

    /**
     * Signs with the current key.
     *
     * @param target the redirect target a click token is good for (required for clicks, ignored otherwise)
     */
    public String sign(Claims c, String target) {
        if (c.kind() == Kind.CLICK && (target == null || target.isEmpty())) {
            throw new IllegalArgumentException("A click token signs its target URL: give the target URL.");
        }
        String hash = c.kind() == Kind.CLICK ? ENC.encodeToString(targetHash(target)) : "";
        String payload = String.join(
                "|",
                c.kind().code,
                esc(c.userId()),
                esc(c.campaignId()),
                esc(c.requestId()),
                Long.toString(c.expiresAtSeconds()),
                hash);
        Keyring.Key key = keys.current();
        String signed = key.id + "." + ENC.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return signed + "." + ENC.encodeToString(mac(key, signed));
    }

    /** Verifies an open or unsubscribe token. */
    public Verification verify(String token, Kind expected, long nowSeconds) {
        return verify(token, expected, "", nowSeconds);
    }

    /**
     * @param target for a click token, the URL the redirect endpoint is asked to go to
     */
    public Verification verify(String token, Kind expected, String target, long nowSeconds) {
        String[] parts = token == null ? new String[0] : token.split("\\.", -1);
        if (parts.length != 3 || !Keyring.validId(parts[0]) || parts[1].isEmpty()) {
            return failed(Status.MALFORMED);
        }
        Keyring.Key key = keys.key(parts[0]);
        if (key == null) {
            return failed(Status.UNKNOWN_KEY);
        }
        byte[] payload;
        byte[] given;
        try {
            payload = DEC.decode(parts[1]);
            given = DEC.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return failed(Status.MALFORMED);
        }
        // Base64 decoding ignores the unused low bits of the last character; refuse such variants so
        // that every token has exactly one spelling.
        if (!ENC.encodeToString(given).equals(parts[2])
                || !ENC.encodeToString(payload).equals(parts[1])) {
            return failed(Status.MALFORMED);
        }
        if (!MessageDigest.isEqual(mac(key, parts[0] + "." + parts[1]), given)) {
            return failed(Status.FORGED);
        }
        String[] f = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        Kind kind = f.length == 6 ? Kind.of(f[0]) : null;
        if (kind == null) {
            return failed(Status.MALFORMED);
        }
        if (kind != expected) {
            return failed(Status.WRONG_KIND);
        }
        if (kind == Kind.CLICK
                && !MessageDigest.isEqual(
                        ENC.encodeToString(targetHash(target == null ? "" : target))
                                .getBytes(StandardCharsets.UTF_8),
                        f[5].getBytes(StandardCharsets.UTF_8))) {
            return failed(Status.FORGED);
        }
        Claims c;
        try {
            c = new Claims(kind, unesc(f[1]), unesc(f[2]), unesc(f[3]), Long.parseLong(f[4]));
        } catch (NumberFormatException e) {
            return failed(Status.MALFORMED);
        }
        boolean expired = nowSeconds > c.expiresAtSeconds() || nowSeconds > key.acceptUntilEpochSeconds;
        return new Verification(expired ? Status.EXPIRED : Status.VALID, c);
    }

    private static Verification failed(Status s) {
        return new Verification(s, null);
    }

    /**
     * One Mac and one digest per thread: looking the algorithm up for every token was a visible share of the
     * tracking service's time per request (docs/benchmarks.md); init with the key is cheap.
     */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    });

    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    });

    private static byte[] mac(Keyring.Key key, String signed) {
        try {
            Mac mac = MACS.get();
            mac.init(new SecretKeySpec(key.secret, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    private static byte[] targetHash(String target) {
        MessageDigest sha = DIGESTS.get();
        sha.reset();
        return Arrays.copyOf(sha.digest(target.getBytes(StandardCharsets.UTF_8)), MAC_BYTES);
    }

    private static String esc(String s) {
        return s.replace("%", "%25").replace("|", "%7C");
    }

    private static String unesc(String s) {
        return s.replace("%7C", "|").replace("%25", "%");
    }
}
