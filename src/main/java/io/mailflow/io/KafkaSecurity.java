package io.mailflow.io;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * How every Kafka client of Mailflow (the job's sources and sinks, the send ledger, the CLIs and the report)
 * connects: TLS, SASL, trust and key stores. Settings, not secrets: passwords and the JAAS line are never
 * part of it. They are written into the client properties as Kafka config-provider placeholders
 * ({@code ${env:MAILFLOW_KAFKA_...}}), which the Kafka client resolves from the environment of the process
 * that creates it (for the job: on the task managers). So the job graph, its configuration and any log of
 * the properties hold only the variable names.
 *
 * @param truststoreLocation path of the trust store (empty: the JVM's default trust)
 * @param keystoreLocation path of the client's key store, for mutual TLS (empty: none)
 */
public record KafkaSecurity(
        Protocol protocol,
        SaslMechanism saslMechanism,
        String truststoreLocation,
        StoreType truststoreType,
        String keystoreLocation,
        StoreType keystoreType)
        implements Serializable {

    /** The full JAAS line, e.g. {@code org.apache.kafka.common.security.scram.ScramLoginModule required ...;}. */
    public static final String SASL_JAAS_CONFIG_ENV = "MAILFLOW_KAFKA_SASL_JAAS_CONFIG";

    public static final String TRUSTSTORE_PASSWORD_ENV = "MAILFLOW_KAFKA_TRUSTSTORE_PASSWORD";
    public static final String KEYSTORE_PASSWORD_ENV = "MAILFLOW_KAFKA_KEYSTORE_PASSWORD";

    /** Kafka's {@code security.protocol}. */
    public enum Protocol {
        PLAINTEXT,
        SSL,
        SASL_PLAINTEXT,
        SASL_SSL;

        public boolean tls() {
            return this == SSL || this == SASL_SSL;
        }

        public boolean sasl() {
            return this == SASL_PLAINTEXT || this == SASL_SSL;
        }
    }

    /** Kafka's {@code sasl.mechanism}. */
    public enum SaslMechanism {
        PLAIN,
        SCRAM_SHA_256,
        SCRAM_SHA_512;

        public String kafkaName() {
            return name().replace('_', '-');
        }
    }

    public enum StoreType {
        PKCS12,
        JKS,
        PEM
    }

    public KafkaSecurity {
        truststoreLocation = truststoreLocation == null ? "" : truststoreLocation;
        keystoreLocation = keystoreLocation == null ? "" : keystoreLocation;
        if (!protocol.tls() && (!truststoreLocation.isEmpty() || !keystoreLocation.isEmpty())) {
            throw new IllegalArgumentException(
                    "a trust or key store is set but kafka.security.protocol is " + protocol + " (no TLS)");
        }
    }

    public static KafkaSecurity plaintext() {
        return new KafkaSecurity(
                Protocol.PLAINTEXT, SaslMechanism.SCRAM_SHA_512, "", StoreType.PKCS12, "", StoreType.PKCS12);
    }

    /**
     * The client properties, with placeholders for every secret. Empty for {@code PLAINTEXT}, so a client
     * without security is configured exactly as before.
     */
    public Map<String, String> clientProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        if (protocol == Protocol.PLAINTEXT) {
            return p;
        }
        p.put("security.protocol", protocol.name());
        // Resolve ${env:NAME} from the environment of the process that creates the client, and only our names.
        p.put("config.providers", "env");
        p.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        p.put("config.providers.env.param.allowlist.pattern", "^MAILFLOW_KAFKA_[A-Z_]+$");
        if (protocol.sasl()) {
            p.put("sasl.mechanism", saslMechanism.kafkaName());
            p.put("sasl.jaas.config", placeholder(SASL_JAAS_CONFIG_ENV));
        }
        if (!truststoreLocation.isEmpty()) {
            p.put("ssl.truststore.location", truststoreLocation);
            p.put("ssl.truststore.type", truststoreType.name());
            if (truststoreType != StoreType.PEM) {
                p.put("ssl.truststore.password", placeholder(TRUSTSTORE_PASSWORD_ENV));
            }
        }
        if (!keystoreLocation.isEmpty()) {
            p.put("ssl.keystore.location", keystoreLocation);
            p.put("ssl.keystore.type", keystoreType.name());
            p.put("ssl.keystore.password", placeholder(KEYSTORE_PASSWORD_ENV));
            p.put("ssl.key.password", placeholder(KEYSTORE_PASSWORD_ENV));
        }
        return p;
    }

    /** Adds {@link #clientProperties()} to {@code props}. */
    public Properties applyTo(Properties props) {
        props.putAll(clientProperties());
        return props;
    }

    /** The environment variables these settings need, that {@code getenv} does not have. */
    public List<String> missingEnvironment(UnaryOperator<String> getenv) {
        List<String> missing = new ArrayList<>();
        for (String v : clientProperties().values()) {
            if (v.startsWith("${env:")) {
                String name = v.substring("${env:".length(), v.length() - 1);
                String value = getenv.apply(name);
                if ((value == null || value.isEmpty()) && !missing.contains(name)) {
                    missing.add(name);
                }
            }
        }
        return missing;
    }

    /** Fails with the names (never values) of the environment variables that are missing. */
    public void requireEnvironment(UnaryOperator<String> getenv) {
        List<String> missing = missingEnvironment(getenv);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "kafka.security.protocol " + protocol.name().toLowerCase(Locale.ROOT)
                            + " needs the environment variable(s) " + String.join(", ", missing)
                            + " (on this machine and on the task managers)");
        }
    }

    private static String placeholder(String env) {
        return "${env:" + env + "}";
    }
}
