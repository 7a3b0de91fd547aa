package io.mailflow.privacy;

import java.io.Serializable;
import java.util.function.UnaryOperator;

/**
 * Whether the job replaces the shop's user ids by keyed pseudonyms at its inputs, and with which key. In
 * production {@code key} is empty and each operator reads {@link Pseudonymizer#KEY_ENV} from its task manager's
 * environment when it opens, so the key never travels in the job graph; tests and the demo may set it.
 *
 * @param enabled replace raw user ids by pseudonyms
 * @param keyId the key's public id, written in front of every pseudonym
 * @param key the key set programmatically, or empty: read from the environment
 */
public record PseudonymSettings(boolean enabled, String keyId, String key) implements Serializable {
    /** Raw ids kept (the default). */
    public static final PseudonymSettings DISABLED = new PseudonymSettings(false, "p1", "");

    /** The pseudonymizer, or null when disabled. Fails with the variable's name when the key is missing or short. */
    public Pseudonymizer open(UnaryOperator<String> getenv) {
        if (!enabled) {
            return null;
        }
        return Pseudonymizer.of(keyId, key == null || key.isEmpty() ? getenv.apply(Pseudonymizer.KEY_ENV) : key);
    }

    /** As {@link #open(UnaryOperator)} with the process environment. */
    public Pseudonymizer open() {
        return open(System::getenv);
    }

    @Override
    public String toString() {
        return "PseudonymSettings{enabled=" + enabled + ", keyId=" + keyId + ", key="
                + (key == null || key.isEmpty() ? "<from " + Pseudonymizer.KEY_ENV + ">" : "<set>") + "}";
    }
}
