package io.mailflow.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.privacy.Pseudonymizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PseudonymCliTest {
    static final String KEY = "cli-test-key-0123456789abcdefghijklm";
    final Map<String, String> env = Map.of(Pseudonymizer.KEY_ENV, KEY);
    final Pseudonymizer p = Pseudonymizer.of("k3", KEY);

    record Run(int status, String out, String err) {}

    Run run(String stdin, Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PseudonymCli.run(
                args,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                environment::get);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsThePseudonymsTheJobComputes() {
        Run r = run("", env, "--key-id", "k3", "u-42", "shopper-raw-4711");
        assertThat(r.status()).isZero();
        assertThat(r.out())
                .isEqualTo("u-42\t" + p.pseudonym("u-42") + "\n" + "shopper-raw-4711\t"
                        + p.pseudonym("shopper-raw-4711") + "\n");
        Run stdin = run("u-42\n\n u-43 \n", env, "--key-id", "k3");
        assertThat(stdin.out()).contains("u-43\t" + p.pseudonym("u-43")).hasLineCount(2);
    }

    @Test
    void findsWhichUserAPseudonymBelongsTo() {
        Run r = run("u-1\nu-2\nu-3\n", env, "--key-id", "k3", "--find", p.pseudonym("u-2"));
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("u-2\t" + p.pseudonym("u-2") + "\n");
        assertThat(run("u-1\n", env, "--key-id", "k3", "--find", p.pseudonym("u-2"))
                        .status())
                .isEqualTo(1);
    }

    @Test
    void aMissingKeyIsAUsageErrorThatNeverPrintsAKey() {
        Run r = run("", Map.of(), "u-1");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains(Pseudonymizer.KEY_ENV);
        Run bad = run("", env, "--bogus");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.out() + bad.err()).doesNotContain(KEY);
    }
}
