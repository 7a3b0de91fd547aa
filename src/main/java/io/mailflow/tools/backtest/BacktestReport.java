package io.mailflow.tools.backtest;

import io.mailflow.model.DryRunDecision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Writes a backtest's report files: {@code backtest.html}, {@code backtest-summary.csv}, {@code decisions.csv}. */
public final class BacktestReport {
    public static final String HTML = "backtest.html";
    public static final String SUMMARY_CSV = "backtest-summary.csv";
    public static final String DECISIONS_CSV = "decisions.csv";

    private BacktestReport() {}

    public static void write(BacktestSummary s, List<DryRunDecision> decisions, Path dir, Instant generatedAt)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(HTML), BacktestHtml.render(s, generatedAt), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(SUMMARY_CSV), BacktestCsv.summary(s), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(DECISIONS_CSV), BacktestCsv.decisions(decisions), StandardCharsets.UTF_8);
    }
}
