package io.mailflow.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.io.InputRules;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class PseudonymizerTest {
    static final String KEY = "pseudonym-test-key-0123456789abcdef";
    static final String OTHER_KEY = "another-pseudonym-key-0123456789abcd";

    private final Pseudonymizer p1 = Pseudonymizer.of("k1", KEY);

    @Test
    void theSameIdAndKeyGiveTheSamePseudonymInEveryInstance() {
        String a = p1.pseudonym("shopper-raw-4711");
        assertThat(Pseudonymizer.of("k1", KEY).pseudonym("shopper-raw-4711")).isEqualTo(a);
        assertThat(a)
                .startsWith("k1_")
                .hasSize(3 + Pseudonymizer.ENCODED_LENGTH)
                .doesNotContain("4711");
    }

    /** A known answer, so that a change of the scheme (which would orphan every user's state) cannot pass silently. */
    @Test
    void theSchemeIsStable() {
        assertThat(p1.pseudonym("shopper-raw-4711")).isEqualTo(KNOWN_ANSWER);
    }

    static final String KNOWN_ANSWER = "k1_b7n4tql6y5kga3zk4xnrv5qgeey54xuk72";

    @Test
    void anotherKeyOrKeyIdGivesAnotherPseudonym() {
        String a = p1.pseudonym("shopper-raw-4711");
        String otherKey = Pseudonymizer.of("k1", OTHER_KEY).pseudonym("shopper-raw-4711");
        String otherId = Pseudonymizer.of("k2", KEY).pseudonym("shopper-raw-4711");
        assertThat(otherKey).isNotEqualTo(a);
        assertThat(otherId).startsWith("k2_").isNotEqualTo(a);
        // same key, same body: only the prefix and the check differ when only the id of the key changes
        assertThat(otherId.substring(3, 29)).isEqualTo(a.substring(3, 29));
    }

    @Test
    void itRecognisesItsOwnPseudonymsOnlyAndEnsureIsIdempotent() {
        String a = p1.pseudonym("shopper-raw-4711");
        assertThat(p1.isPseudonym(a)).isTrue();
        assertThat(p1.ensure(a)).isEqualTo(a);
        assertThat(p1.ensure(p1.ensure("shopper-raw-4711"))).isEqualTo(a);
        assertThat(p1.isPseudonym("shopper-raw-4711")).isFalse();
        // another key's pseudonym, a forged check, a look-alike with the right shape: all hashed
        assertThat(p1.isPseudonym(Pseudonymizer.of("k1", OTHER_KEY).pseudonym("x")))
                .isFalse();
        String forged = a.substring(0, a.length() - 1) + (a.endsWith("a") ? "b" : "a");
        assertThat(p1.isPseudonym(forged)).isFalse();
        assertThat(p1.ensure(forged)).isEqualTo(p1.pseudonym(forged)).isNotEqualTo(forged);
        assertThat(p1.isPseudonym("k1_" + "a".repeat(Pseudonymizer.ENCODED_LENGTH)))
                .isFalse();
        assertThat(p1.isPseudonym(null)).isFalse();
    }

    @Test
    void keysAndKeyIdsAreCheckedWithoutEchoingTheKey() {
        assertThatThrownBy(() -> Pseudonymizer.of("k1", "short-secret-value"))
                .hasMessageContaining("MAILFLOW_PSEUDONYM_KEY")
                .hasMessageContaining("32")
                .hasMessageNotContaining("short-secret-value");
        assertThatThrownBy(() -> Pseudonymizer.of("k1", null)).hasMessageContaining("MAILFLOW_PSEUDONYM_KEY");
        assertThatThrownBy(() -> Pseudonymizer.of("k_1", KEY)).hasMessageContaining("key id");
        assertThatThrownBy(() -> Pseudonymizer.of("", KEY)).hasMessageContaining("key id");
        assertThat(p1.toString()).doesNotContain(KEY);
    }

    @Test
    void settingsReadTheKeyFromTheEnvironmentAndFailClearlyWithoutIt() {
        PseudonymSettings fromEnv = new PseudonymSettings(true, "k1", "");
        Map<String, String> env = Map.of(Pseudonymizer.KEY_ENV, KEY);
        assertThat(fromEnv.open(env::get).pseudonym("u")).isEqualTo(p1.pseudonym("u"));
        assertThatThrownBy(() -> fromEnv.open(name -> null)).hasMessageContaining("MAILFLOW_PSEUDONYM_KEY");
        assertThat(PseudonymSettings.DISABLED.open(name -> null)).isNull();
        assertThat(new PseudonymSettings(true, "k1", KEY).toString()).doesNotContain(KEY);
    }

    @Test
    void manyThreadsGetTheSameAnswers() {
        Map<String, String> seen = new ConcurrentHashMap<>();
        IntStream.range(0, 20_000).parallel().forEach(i -> {
            String id = "user-" + (i % 500);
            String p = p1.pseudonym(id);
            String before = seen.putIfAbsent(id, p);
            assertThat(before == null || before.equals(p)).isTrue();
        });
        assertThat(new HashSet<>(seen.values())).hasSize(500);
    }

    @Test
    void base32MatchesRfc4648() {
        // RFC 4648 section 10 test vectors, lower case, without padding
        Map<String, String> vectors =
                Map.of("f", "my", "fo", "mzxq", "foo", "mzxw6", "foob", "mzxw6yq", "fooba", "mzxw6ytb");
        vectors.forEach(
                (in, out) -> assertThat(Pseudonymizer.base32(in.getBytes())).isEqualTo(out));
    }

    @Property(tries = 500)
    void pseudonymsAreBoundedInTheIdAlphabetAndRecognised(@ForAll @StringLength(max = 200) String rawId) {
        String p = p1.pseudonym(rawId);
        assertThat(p).matches("k1_[a-z2-7]{" + Pseudonymizer.ENCODED_LENGTH + "}");
        assertThat(InputRules.ID.matcher(p).matches()).isTrue();
        assertThat(p1.isPseudonym(p)).isTrue();
        assertThat(p1.ensure(p)).isEqualTo(p);
        assertThat(p1.ensure(rawId)).isEqualTo(p1.isPseudonym(rawId) ? rawId : p);
    }

    @Test
    void distinctIdsGetDistinctPseudonyms() {
        Set<String> out = new HashSet<>();
        List<String> ids = IntStream.range(0, 50_000).mapToObj(i -> "u" + i).toList();
        ids.forEach(id -> out.add(p1.pseudonym(id)));
        assertThat(out).hasSize(ids.size());
    }
}
