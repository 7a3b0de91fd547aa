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
        String embedded = readme.substring(readme.indexOf('\n', start) + 1, end);
        assertThat(embedded)
                .as("README table is out of date: regenerate it with "
                        + "mvn -q exec:exec -Dexec.mainClass=... or run ConfigReference.main")
                .isEqualTo(ConfigReference.markdown());
    }
}
