package io.mailflow.io;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Writes records as JSON; an optional key extractor gives the Kafka record key. */
public final class JsonSerialization<T> implements SerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] serialize(T element) {
        return Json.toBytes(element);
    }

    /** A serializable key extractor for Kafka record keys. */
    public interface KeyOf<T> extends Function<T, String>, java.io.Serializable {
        default byte[] keyBytes(T element) {
            String k = apply(element);
            return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
        }
    }
}
