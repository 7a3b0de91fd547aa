package io.mailflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration reference is generated from the options; this keeps it current. */
class ConfigReferenceTest {

    @Test
    void readmeListsEveryOptionWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- config-reference:start -->");
        int end = readme.indexOf("<!-- config-reference:end -->");
        assertThat(start).as("README has the config-reference markers").isNotNegative();
        assertThat(end).isGreaterThan(start);
        int tableStart = readme.indexOf('\n', start) + 1;
        String embedded = readme.substring(tableStart, end);
        if (Boolean.getBoolean("mailflow.updateReadme")) {
            Files.writeString(
                    Path.of("README.md"),
                    readme.substring(0, tableStart) + ConfigReference.markdown() + readme.substring(end));
            return;
        }
        assertThat(embedded)
                .as("README table is out of date: regenerate it with "
                        + "mvn -q test -Dtest=ConfigReferenceTest -Dmailflow.updateReadme=true")
                .isEqualTo(ConfigReference.markdown());
    }
}
