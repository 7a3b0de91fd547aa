package io.mailflow.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The backtest CLI's usage errors: exit status 2 and the reason, before any job is built. */
class BacktestCliTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--input jsonl --events e.jsonl|--campaigns is required",
                "--campaigns c.yaml --input parquet --events e|--input must be kafka, jsonl, rees46 or taobao",
                "--campaigns c.yaml --input rees46|--events is required",
                "--campaigns c.yaml --input kafka --bootstrap b:9092 --topic t --to 2026-01-01T00:00:00Z|--from is required",
                "--campaigns c.yaml --input kafka --bootstrap b:9092 --topic t --from 2026-02-01T00:00:00Z --to 2026-01-01T00:00:00Z|--from must be before --to",
                "--campaigns c.yaml --input kafka --bootstrap b:9092 --topic t --from yesterday --to 2026-01-01T00:00:00Z|not an ISO-8601 instant",
                "--campaigns c.yaml --input jsonl --events e --set nonsense|--set expects key=value",
                "--campaigns c.yaml --input jsonl --events e --colour blue|unknown option --colour"
            })
    void usageErrors(String args, String message) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BacktestCli.run(
                args.split(" "),
                null,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(message).contains("usage: BacktestCli");
    }

    @Test
    void severalCampaignFilesAndOverrides() {
        var spec = BacktestCli.parse(new String[] {
            "--campaigns",
            "a.yaml,b.yaml",
            "--campaigns",
            "c.yaml",
            "--input",
            "taobao",
            "--events",
            "log.csv",
            "--set",
            "guardrails.max-per-user=1"
        });
        assertThat(spec.campaignFiles()).extracting(Object::toString).containsExactly("a.yaml", "b.yaml", "c.yaml");
        assertThat(spec.overrides()).containsEntry("guardrails.max-per-user", "1");
        assertThat(spec.zone()).isEqualTo("UTC");
        assertThat(spec.profiles()).isNull();
    }
}
