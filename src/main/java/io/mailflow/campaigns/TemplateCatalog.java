package io.mailflow.campaigns;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a template id exists, the way {@code TemplateRenderer} looks it up: in the override directory
 * or on the classpath under {@code templates/<id>/en/subject.vm} (English is every template's fallback).
 */
public final class TemplateCatalog implements CampaignParser.SerializablePredicate {
    private static final long serialVersionUID = 1L;

    private final String overrideDir;

    public TemplateCatalog(String overrideDir) {
        this.overrideDir = overrideDir == null ? "" : overrideDir;
    }

    @Override
    public boolean test(String templateId) {
        String part = "templates/" + templateId + "/en/subject.vm";
        if (!overrideDir.isBlank() && Files.isReadable(Path.of(overrideDir, part))) {
            return true;
        }
        return TemplateCatalog.class.getClassLoader().getResource(part) != null;
    }
}
