package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.features.SnapshotKind;
import io.mailflow.io.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Scores on {@code topic.scores}: an idle score says so, and a message from before the kind existed still reads. */
class PropensityScoreWireFormatTest {

    @Test
    void aMessageWithoutAKindReadsAsASessionScore() throws Exception {
        byte[] old = "{\"userId\":\"ann\",\"score\":0.25,\"modelVersion\":3,\"timestamp\":1700000000000}"
                .getBytes(StandardCharsets.UTF_8);
        PropensityScore read = Json.mapper().readValue(old, PropensityScore.class);
        assertThat(read).isEqualTo(new PropensityScore("ann", 0.25, 3, 1_700_000_000_000L));
        assertThat(read.kind()).isEqualTo(SnapshotKind.SESSION);
        assertThat(read.idle()).isFalse();
    }

    @Test
    void anIdleScoreKeepsItsKindOnTheTopic() throws Exception {
        PropensityScore idle = new PropensityScore("ann", 0.25, 3, 1_700_000_000_000L, SnapshotKind.IDLE);
        String json = new String(Json.toBytes(idle), StandardCharsets.UTF_8);
        assertThat(json).contains("\"kind\":\"IDLE\"").doesNotContain("\"idle\"");
        assertThat(Json.mapper().readValue(json, PropensityScore.class)).isEqualTo(idle);
    }
}
