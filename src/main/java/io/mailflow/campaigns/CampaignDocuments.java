package io.mailflow.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads campaign documents. A file (YAML or JSON; JSON is YAML) holds either one campaign object, a
 * list of them, or {@code campaigns: [...]}. One control-topic record holds one campaign object.
 */
public final class CampaignDocuments {
    public static final String CLASSPATH_PREFIX = "classpath:";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private CampaignDocuments() {}

    /** The campaign objects of a file, or of a classpath resource named {@code classpath:path}. */
    public static List<JsonNode> load(String location) throws IOException {
        String text;
        if (location.startsWith(CLASSPATH_PREFIX)) {
            String resource = location.substring(CLASSPATH_PREFIX.length());
            try (InputStream in = CampaignDocuments.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("no classpath resource " + resource);
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } else {
            text = Files.readString(Path.of(location), StandardCharsets.UTF_8);
        }
        return split(YAML.readTree(text));
    }

    /** One control-topic payload (JSON or YAML) as a tree. */
    public static JsonNode parse(byte[] payload) throws IOException {
        return YAML.readTree(payload);
    }

    static List<JsonNode> split(JsonNode root) {
        List<JsonNode> out = new ArrayList<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return out;
        }
        JsonNode list = root.isObject() && root.has("campaigns") ? root.get("campaigns") : root;
        if (list.isArray()) {
            list.forEach(out::add);
        } else {
            out.add(list);
        }
        return out;
    }
}
