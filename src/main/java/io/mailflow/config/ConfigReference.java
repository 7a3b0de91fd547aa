package io.mailflow.config;

/**
 * Prints the configuration reference as a Markdown table. The README embeds its output between
 * {@code <!-- config-reference:start -->} and {@code <!-- config-reference:end -->}; a test keeps them equal (and regenerates the table on request).
 */
public final class ConfigReference {
    private ConfigReference() {}

    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| key | default | allowed | description |\n");
        sb.append("|---|---|---|---|\n");
        for (Option<?> o : MailflowOptions.all()) {
            sb.append("| `")
                    .append(o.key())
                    .append("` | `")
                    .append(o.defaultText().isEmpty() ? "\"\"" : o.defaultText())
                    .append("` | ")
                    .append(o.allowed())
                    .append(" | ")
                    .append(o.description())
                    .append(" |\n");
        }
        return sb.toString();
    }
}
