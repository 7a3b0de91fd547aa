package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.email.SignedTokens.Claims;
import io.mailflow.email.SignedTokens.Status;
import org.junit.jupiter.api.Test;

class SignedTokensTest {
    private final SignedTokens tokens = new SignedTokens("0123456789abcdef-secret");
    private final Claims claims = new Claims("u", "user|42", "abandoned-cart", "req-1", 2_000);

    @Test
    void validTokenRoundTrips() {
        SignedTokens.Verification v = tokens.verify(tokens.sign(claims), 1_000);
        assertThat(v.status()).isEqualTo(Status.VALID);
        assertThat(v.claims()).isEqualTo(claims);
    }

    @Test
    void expiredTokenIsRecognisedButNotValid() {
        assertThat(tokens.verify(tokens.sign(claims), 2_001).status()).isEqualTo(Status.EXPIRED);
    }

    @Test
    void tamperedPayloadOrOtherSecretIsForged() {
        String token = tokens.sign(claims);
        String otherUser = tokens.sign(new Claims("u", "user|43", "abandoned-cart", "req-1", 2_000));
        String spliced = otherUser.substring(0, otherUser.indexOf('.')) + token.substring(token.indexOf('.'));
        assertThat(tokens.verify(spliced, 1_000).status()).isEqualTo(Status.FORGED);
        assertThat(new SignedTokens("another-secret-0123456").verify(token, 1_000).status()).isEqualTo(Status.FORGED);
    }

    @Test
    void aSecondSpellingOfTheSameMacIsRefused() {
        String token = tokens.sign(claims);
        char last = token.charAt(token.length() - 1);
        // the last base64 character of a 16-byte MAC carries 4 unused bits: flipping them decodes to the same bytes
        char twin = (char) (last ^ 1);
        String variant = token.substring(0, token.length() - 1) + twin;
        assertThat(tokens.verify(variant, 1_000).status()).isIn(Status.MALFORMED, Status.FORGED);
    }

    @Test
    void garbageIsMalformed() {
        assertThat(tokens.verify("nodot", 0).status()).isEqualTo(Status.MALFORMED);
        assertThat(tokens.verify("!!.??", 0).status()).isEqualTo(Status.MALFORMED);
        assertThat(tokens.verify(null, 0).status()).isEqualTo(Status.MALFORMED);
    }

    @Test
    void shortSecretsAreRefused() {
        assertThatThrownBy(() -> new SignedTokens("short")).hasMessageContaining("MAILFLOW_LINK_SECRET");
    }
}
