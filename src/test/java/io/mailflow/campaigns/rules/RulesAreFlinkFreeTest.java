package io.mailflow.campaigns.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The trigger rules and their helpers are plain Java: nothing in this package imports Flink, so they can
 * be read and tested without it (the operator that holds their state is {@code campaigns.TriggerFunction}).
 */
class RulesAreFlinkFreeTest {
    static final Path RULES = Path.of("src/main/java/io/mailflow/campaigns/rules");

    @Test
    void noRuleClassImportsFlink() throws Exception {
        List<Path> sources;
        try (Stream<Path> files = Files.list(RULES)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertThat(sources).hasSizeGreaterThan(10);
        for (Path f : sources) {
            assertThat(Files.readAllLines(f))
                    .as(f.getFileName().toString())
                    .noneMatch(l ->
                            l.startsWith("import org.apache.flink") || l.startsWith("import static org.apache.flink"));
        }
    }
}
