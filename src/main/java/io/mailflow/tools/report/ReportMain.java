package io.mailflow.tools.report;

import io.mailflow.config.MailflowConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the HTML campaign report from the job's output topics:
 *
 * <pre>
 * java -cp mailflow-tools.jar io.mailflow.tools.report.ReportMain --bootstrap broker:9092 --out report.html
 * </pre>
 *
 * Every other argument is a job option ({@code --config job.yaml}, {@code --topic.campaign-stats ...}),
 * so the report reads the same topics as the job it reports on.
 */
public final class ReportMain {
    private ReportMain() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of("report.html");
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--bootstrap" -> {
                    rest.add("--kafka.bootstrap-servers");
                    rest.add(value(args, ++i, "--bootstrap"));
                }
                default -> rest.add(args[i]);
            }
        }
        MailflowConfig config = MailflowConfig.fromArgs(rest.toArray(String[]::new));
        ReportData data = new ReportReader(config).read();
        write(data, out);
        System.out.printf(
                "Wrote %s (%d statistics records, %d segment assignments, %d model versions, %d send results)%n",
                out.toAbsolutePath(),
                data.stats().size(),
                data.segments().size(),
                data.validation().size(),
                data.results().size());
    }

    public static void write(ReportData data, Path out) throws Exception {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, HtmlReport.render(data, Instant.now()), StandardCharsets.UTF_8);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }
}
