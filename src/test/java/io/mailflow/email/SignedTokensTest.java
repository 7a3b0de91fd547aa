package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.email.SignedTokens.Claims;
import io.mailflow.email.SignedTokens.Kind;
import io.mailflow.email.SignedTokens.Status;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignedTokensTest {
    private static final String SECRET = "0123456789abcdef-secret";
    private static final String NEW_SECRET = "fedcba9876543210-rotated";
    private static final String SHOP = "https://shop.test/item/sku-1?utm_source=mailflow";
    /** The end of the grace period of a rotated key: a fixed instant, never the wall clock. */
    private static final long GRACE_END = Instant.parse("2026-04-01T00:00:00Z").getEpochSecond();

    private final SignedTokens tokens = new SignedTokens(Keyring.of("k1", SECRET));
    private final Claims unsubscribe = new Claims(Kind.UNSUBSCRIBE, "user|42", "abandoned-cart", "req-1", 2_000);
    private final Claims click = new Claims(Kind.CLICK, "user|42", "abandoned-cart", "req-1", 2_000);

    @Test
    void validTokenRoundTripsAndNamesItsKey() {
        String token = tokens.sign(unsubscribe);
        assertThat(token).startsWith("k1.").matches("[A-Za-z0-9_.-]+");
        SignedTokens.Verification v = tokens.verify(token, Kind.UNSUBSCRIBE, 1_000);
        assertThat(v.status()).isEqualTo(Status.VALID);
        assertThat(v.claims()).isEqualTo(unsubscribe);
    }

    @Test
    void expiredTokenIsRecognisedButNotValid() {
        assertThat(tokens.verify(tokens.sign(unsubscribe), Kind.UNSUBSCRIBE, 2_001)
                        .status())
                .isEqualTo(Status.EXPIRED);
    }

    @Test
    void aClickTokenSignsItsTargetUrl() {
        String token = tokens.sign(click, SHOP);
        assertThat(tokens.verify(token, Kind.CLICK, SHOP, 1_000).status()).isEqualTo(Status.VALID);
        // the open redirect: the same token for another target
        assertThat(tokens.verify(token, Kind.CLICK, "https://evil.example/phish", 1_000)
                        .status())
                .isEqualTo(Status.FORGED);
        assertThat(tokens.verify(token, Kind.CLICK, SHOP + "&x=1", 1_000).status())
                .isEqualTo(Status.FORGED);
        assertThat(tokens.verify(token, Kind.CLICK, "", 1_000).status()).isEqualTo(Status.FORGED);
        assertThatThrownBy(() -> tokens.sign(click)).hasMessageContaining("target URL");
    }

    @Test
    void aTokenOfOneKindIsRefusedWhereAnotherIsExpected() {
        String u = tokens.sign(unsubscribe);
        String c = tokens.sign(click, SHOP);
        String o = tokens.sign(new Claims(Kind.OPEN, "user|42", "abandoned-cart", "req-1", 2_000));
        assertThat(tokens.verify(u, Kind.CLICK, SHOP, 1_000).status()).isEqualTo(Status.WRONG_KIND);
        assertThat(tokens.verify(c, Kind.UNSUBSCRIBE, 1_000).status()).isEqualTo(Status.WRONG_KIND);
        assertThat(tokens.verify(o, Kind.UNSUBSCRIBE, 1_000).status()).isEqualTo(Status.WRONG_KIND);
        assertThat(tokens.verify(o, Kind.OPEN, 1_000).status()).isEqualTo(Status.VALID);
    }

    @Test
    void tamperedPayloadOrOtherSecretIsForged() {
        String token = tokens.sign(unsubscribe);
        String otherUser = tokens.sign(new Claims(Kind.UNSUBSCRIBE, "user|43", "abandoned-cart", "req-1", 2_000));
        String spliced = otherUser.substring(0, otherUser.lastIndexOf('.')) + token.substring(token.lastIndexOf('.'));
        assertThat(tokens.verify(spliced, Kind.UNSUBSCRIBE, 1_000).status()).isEqualTo(Status.FORGED);
        assertThat(new SignedTokens(Keyring.of("k1", "another-secret-0123456"))
                        .verify(token, Kind.UNSUBSCRIBE, 1_000)
                        .status())
                .isEqualTo(Status.FORGED);
    }

    @Test
    void aTokenClaimingAnotherKeyIdIsForgedOrUnknown() {
        String token = tokens.sign(unsubscribe);
        String relabelled = "k2" + token.substring(2);
        SignedTokens both = new SignedTokens(Keyring.of("k2", NEW_SECRET).withPrevious("k1", SECRET, GRACE_END));
        assertThat(both.verify(relabelled, Kind.UNSUBSCRIBE, 1_000).status()).isEqualTo(Status.FORGED);
        assertThat(tokens.verify(relabelled, Kind.UNSUBSCRIBE, 1_000).status()).isEqualTo(Status.UNKNOWN_KEY);
    }

    @Test
    void aRotatedKeyIsAcceptedDuringItsGracePeriodOnly() {
        long expires = GRACE_END + 86_400 * 30;
        String old = tokens.sign(new Claims(Kind.UNSUBSCRIBE, "u1", "c", "r", expires), "");
        String oldClick = tokens.sign(new Claims(Kind.CLICK, "u1", "c", "r", expires), SHOP);
        SignedTokens rotated = new SignedTokens(Keyring.of("k2", NEW_SECRET).withPrevious("k1", SECRET, GRACE_END));

        assertThat(rotated.verify(old, Kind.UNSUBSCRIBE, GRACE_END - 1).status())
                .isEqualTo(Status.VALID);
        assertThat(rotated.verify(oldClick, Kind.CLICK, SHOP, GRACE_END).status())
                .isEqualTo(Status.VALID);
        assertThat(rotated.verify(old, Kind.UNSUBSCRIBE, GRACE_END + 1).status())
                .isEqualTo(Status.EXPIRED);
        assertThat(rotated.verify(oldClick, Kind.CLICK, "https://evil.example/", GRACE_END - 1)
                        .status())
                .isEqualTo(Status.FORGED);
        // new links are signed with the new key only
        String fresh = rotated.sign(new Claims(Kind.UNSUBSCRIBE, "u1", "c", "r", expires));
        assertThat(fresh).startsWith("k2.");
        assertThat(rotated.verify(fresh, Kind.UNSUBSCRIBE, GRACE_END + 1).status())
                .isEqualTo(Status.VALID);
        // once the old key is removed from the keyring its tokens are from an unknown key
        assertThat(new SignedTokens(Keyring.of("k2", NEW_SECRET))
                        .verify(old, Kind.UNSUBSCRIBE, GRACE_END - 1)
                        .status())
                .isEqualTo(Status.UNKNOWN_KEY);
    }

    @Test
    void aSecondSpellingOfTheSameMacIsRefused() {
        String token = tokens.sign(unsubscribe);
        char last = token.charAt(token.length() - 1);
        // the last base64 character of a 16-byte MAC carries 4 unused bits: flipping them decodes to the same bytes
        char twin = (char) (last ^ 1);
        String variant = token.substring(0, token.length() - 1) + twin;
        assertThat(tokens.verify(variant, Kind.UNSUBSCRIBE, 1_000).status()).isIn(Status.MALFORMED, Status.FORGED);
    }

    @Test
    void garbageIsMalformed() {
        assertThat(tokens.verify("nodot", Kind.UNSUBSCRIBE, 0).status()).isEqualTo(Status.MALFORMED);
        assertThat(tokens.verify("k1.!!.??", Kind.UNSUBSCRIBE, 0).status()).isEqualTo(Status.MALFORMED);
        assertThat(tokens.verify("a.b", Kind.UNSUBSCRIBE, 0).status()).isEqualTo(Status.MALFORMED);
        assertThat(tokens.verify(null, Kind.UNSUBSCRIBE, 0).status()).isEqualTo(Status.MALFORMED);
    }

    @Test
    void keyringsRefuseWeakSecretsAndBadIdsWithoutQuotingTheSecret() {
        assertThatThrownBy(() -> Keyring.of("k1", "short"))
                .hasMessageContaining("MAILFLOW_LINK_SECRET")
                .hasMessageNotContaining("short");
        assertThatThrownBy(() -> Keyring.of("k.1", SECRET)).hasMessageContaining("key id");
        assertThatThrownBy(() -> Keyring.of("k1", SECRET).withPrevious("k1", NEW_SECRET, GRACE_END))
                .hasMessageContaining("k1");
    }

    @Test
    void thePreviousKeyIsReadFromOneEnvironmentValue() {
        Keyring k = Keyring.of("k2", NEW_SECRET).withPrevious("k1,2026-04-01T00:00:00Z," + SECRET);
        String old = tokens.sign(new Claims(Kind.OPEN, "u", "c", "r", GRACE_END + 100));
        assertThat(new SignedTokens(k).verify(old, Kind.OPEN, GRACE_END).status())
                .isEqualTo(Status.VALID);
        assertThat(new SignedTokens(k).verify(old, Kind.OPEN, GRACE_END + 1).status())
                .isEqualTo(Status.EXPIRED);
        assertThat(Keyring.of("k2", NEW_SECRET).withPrevious("")).isNotNull();
        assertThatThrownBy(() -> Keyring.of("k2", NEW_SECRET).withPrevious("k1;" + SECRET))
                .hasMessageContaining(Keyring.PREVIOUS_SECRET_ENV)
                .hasMessageNotContaining(SECRET);
    }
}
