package io.mailflow.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job's validated, immutable configuration.
 *
 * <p>Values come, later ones winning, from the defaults in {@link MailflowOptions}, an optional YAML
 * file ({@code --config path}, flat or nested keys) and command-line arguments ({@code --key value}
 * or {@code --key=value}). Unknown keys are rejected so that a typo does not silently leave a
 * default in place.
 */
public final class MailflowConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String CONFIG_ARG = "config";

    private final Map<String, Object> values;
    private final String smtpPassword;
    private final String linkSecret;
    private final String pseudonymKey;
    private final String masterKey;

    private MailflowConfig(
            Map<String, Object> values, String smtpPassword, String linkSecret, String pseudonymKey, String masterKey) {
        this.values = Collections.unmodifiableMap(values);
        this.smtpPassword = smtpPassword;
        this.linkSecret = linkSecret;
        this.pseudonymKey = pseudonymKey;
        this.masterKey = masterKey;
    }

    public static MailflowConfig defaults() {
        return builder().build();
    }

    /** Parses {@code --config file} and {@code --key value} arguments. */
    public static MailflowConfig fromArgs(String[] args) {
        Map<String, String> cli = parseArgs(args);
        Builder builder = builder();
        String file = cli.remove(CONFIG_ARG);
        if (file != null) {
            builder.setAll(readYaml(Path.of(file)));
        }
        builder.setAll(cli);
        // Secrets are not read here: the task managers read them from their own environment when the
        // operators open, so they never travel inside the job graph.
        return builder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        Object v = values.get(option.key());
        return v == null ? option.defaultValue() : (T) v;
    }

    /**
     * An SMTP password set programmatically (tests, the demo), or empty: then the task managers read
     * {@code MAILFLOW_SMTP_PASSWORD} from their environment. Never part of {@link #toString()}.
     */
    public String smtpPassword() {
        return smtpPassword == null ? "" : smtpPassword;
    }

    /**
     * A link-signing secret set programmatically (tests, the demo), or empty: then the task managers
     * read {@code MAILFLOW_LINK_SECRET} from their environment. Never part of {@link #toString()}.
     */
    public String linkSecret() {
        return linkSecret == null ? "" : linkSecret;
    }

    /**
     * A pseudonym key set programmatically (tests, the demo), or empty: then the task managers read
     * {@code MAILFLOW_PSEUDONYM_KEY} from their environment. Never part of {@link #toString()}.
     */
    public String pseudonymKey() {
        return pseudonymKey == null ? "" : pseudonymKey;
    }

    /**
     * A master key (base64 of 32 bytes) set programmatically (tests, the demo), or empty: then the task managers read
     * {@code MAILFLOW_MASTER_KEY} from their environment. Never part of {@link #toString()}.
     */
    public String masterKey() {
        return masterKey == null ? "" : masterKey;
    }

    /** A builder seeded with this configuration, to derive a variant (used by the demo and tests). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.smtpPassword = smtpPassword;
        b.linkSecret = linkSecret;
        b.pseudonymKey = pseudonymKey;
        b.masterKey = masterKey;
        return b;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MailflowConfig{");
        for (Option<?> o : MailflowOptions.all()) {
            sb.append(o.key()).append('=').append(get(o)).append(", ");
        }
        return sb.append("smtp.password=")
                .append(smtpPassword().isEmpty() ? "<unset>" : "<set>")
                .append(", link.secret=")
                .append(linkSecret().isEmpty() ? "<unset>" : "<set>")
                .append(", pseudonym.key=")
                .append(pseudonymKey().isEmpty() ? "<unset>" : "<set>")
                .append(", master.key=")
                .append(masterKey().isEmpty() ? "<unset>" : "<set>")
                .append('}')
                .toString();
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("Unexpected argument '" + a + "': use --key value or --key=value.");
            }
            String body = a.substring(2);
            int eq = body.indexOf('=');
            if (eq >= 0) {
                out.put(body.substring(0, eq), body.substring(eq + 1));
            } else if (i + 1 < args.length) {
                out.put(body, args[++i]);
            } else {
                throw new IllegalArgumentException("Option --" + body + " needs a value.");
            }
        }
        return out;
    }

    static Map<String, String> readYaml(Path file) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
            Map<String, String> flat = new LinkedHashMap<>();
            if (root != null) {
                flatten("", root, flat);
            }
            return flat;
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, node.asText());
        }
    }

    /** Collects raw or typed values and validates them all in {@link #build()}. */
    public static final class Builder {
        private final Map<String, Object> values = new HashMap<>();
        private String smtpPassword;
        private String linkSecret;
        private String pseudonymKey;
        private String masterKey;

        private Builder() {}

        public <T> Builder set(Option<T> option, T value) {
            values.put(option.key(), option.parse(asText(option, value)));
            return this;
        }

        /** Sets a raw value by key, validating it. Unknown keys and secrets are rejected. */
        public Builder set(String key, String raw) {
            String lower = key.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("password") || lower.contains("secret")) {
                throw new IllegalArgumentException("Option '" + key
                        + "' is not allowed: secrets come from the environment (" + MailflowOptions.SMTP_PASSWORD_ENV
                        + ", " + MailflowOptions.LINK_SECRET_ENV + ", " + MailflowOptions.PSEUDONYM_KEY_ENV + ", "
                        + MailflowOptions.MASTER_KEY_ENV
                        + "), never from configuration.");
            }
            Option<?> option = MailflowOptions.all().stream()
                    .filter(o -> o.key().equals(key))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Unknown option '" + key + "'."));
            values.put(key, option.parse(raw));
            return this;
        }

        public Builder setAll(Map<String, String> raw) {
            raw.forEach(this::set);
            return this;
        }

        public Builder smtpPassword(String password) {
            this.smtpPassword = password;
            return this;
        }

        public Builder linkSecret(String secret) {
            this.linkSecret = secret;
            return this;
        }

        /** The pseudonym key, for tests and the demo only; production reads MAILFLOW_PSEUDONYM_KEY. */
        public Builder pseudonymKey(String key) {
            this.pseudonymKey = key;
            return this;
        }

        /** The master key of the per-user data keys, for tests and the demo only; production reads MAILFLOW_MASTER_KEY. */
        public Builder masterKey(String key) {
            this.masterKey = key;
            return this;
        }

        public MailflowConfig build() {
            return new MailflowConfig(new HashMap<>(values), smtpPassword, linkSecret, pseudonymKey, masterKey);
        }

        private static <T> String asText(Option<T> option, T value) {
            if (value instanceof java.time.Duration d) {
                return d.toMillis() + "ms";
            }
            if (value instanceof Enum<?> e) {
                return e.name();
            }
            return String.valueOf(value);
        }
    }
}
