package io.mailflow.bench;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.model.Event;
import io.mailflow.scoring.Ftrl;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.tools.importer.CsvFormat;
import io.mailflow.tools.importer.CsvImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.TimeUtils;

/**
 * The model evaluation anyone can rerun: replays the public logs in {@code ../shared/data} through the
 * job's model data flow ({@link ModelReplay}) and writes a Markdown report of the propensity model against
 * Smile's batch logistic regression and simple baselines ({@link PropensityEvaluation}) and of streaming
 * k-means against Smile's batch k-means++ ({@link SegmentEvaluation}); and the binned FTRL learner against Smile's
 * logistic regression and random forest on UCI Online Shoppers ({@link UciShoppersEvaluation}).
 *
 * <pre>mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.ModelEvaluation -Ddemo.args="--data ../shared/data --out docs/model-evaluation.md"</pre>
 *
 * Options (defaults in brackets): {@code --data} [../shared/data], {@code --out} [none: stdout only],
 * {@code --rees46-horizon} [15min], {@code --rees46-gap} [5min], {@code --taobao-gap} [5min], {@code --taobao-horizon} [30min],
 * {@code --train-fraction} [0.7], {@code --parallelism} [1], {@code --max-events} [0: all],
 * {@code --kmeans-runs} [10], {@code --replays} [rees46,rees46-gap,taobao], {@code --uci} [true: the UCI Online
 * Shoppers section, {@link UciShoppersEvaluation}, if its file is present], {@code --uci-seeds} [none: further split
 * seeds for the UCI robustness table, e.g. {@code 1,2,3}], {@code --cdnow} [true: the CDNOW repeat-purchase
 * section, {@link CdnowEvaluation}, if its file is present], {@code --set} [none: job options as
 * {@code key=value,key=value}, e.g. {@code kmeans.batch-max-wait=1h}]. All other job options keep their defaults.
 */
public final class ModelEvaluation {
    static final String REES46 = "rees46/2019-Oct-head17k.csv";
    static final String TAOBAO = "taobao-userbehavior/UserBehavior-2017-11-26T01.csv";
    static final String CDNOW = "cdnow/CDNOW-dev.txt";
    static final long SEED = 42L;
    /** validation.window in the evaluation: its maximum, so that the last published figure covers the replay. */
    static final int WHOLE_REPLAY_WINDOW = 1_000_000;

    /** One replay: which log, how sessions are formed, and the job options that differ from the defaults. */
    public record Setup(
            String id,
            String name,
            String format,
            String file,
            ModelReplay.Sessions sessions,
            Duration gap,
            Duration horizon,
            Map<String, String> settings) {
        /** A replay with the job's defaults (but gap and horizon). */
        public Setup(
                String id,
                String name,
                String format,
                String file,
                ModelReplay.Sessions sessions,
                Duration gap,
                Duration horizon) {
            this(id, name, format, file, sessions, gap, horizon, Map.of());
        }
    }

    /** The figures of one replay. */
    public record Run(
            Setup setup,
            ModelReplay.Outputs outputs,
            PropensityEvaluation.Result propensity,
            SegmentEvaluation.Result segments,
            MailflowConfig config,
            double seconds,
            List<Double> repeatedSseRatios,
            boolean repeatsIdentical) {}

    private ModelEvaluation() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        Path data = Path.of(opts.getOrDefault("data", "../shared/data"));
        Duration reesHorizon = TimeUtils.parseDuration(opts.getOrDefault("rees46-horizon", "15min"));
        Duration taobaoGap = TimeUtils.parseDuration(opts.getOrDefault("taobao-gap", "5min"));
        Duration reesGap = TimeUtils.parseDuration(opts.getOrDefault("rees46-gap", "5min"));
        Duration taobaoHorizon = TimeUtils.parseDuration(opts.getOrDefault("taobao-horizon", "30min"));
        Duration cdnowHorizon = TimeUtils.parseDuration(opts.getOrDefault("cdnow-horizon", "90d"));
        double trainFraction = Double.parseDouble(opts.getOrDefault("train-fraction", "0.7"));
        int parallelism = Integer.parseInt(opts.getOrDefault("parallelism", "1"));
        int maxEvents = Integer.parseInt(opts.getOrDefault("max-events", "0"));
        int runs = Integer.parseInt(opts.getOrDefault("kmeans-runs", "10"));
        int repeats = Integer.parseInt(opts.getOrDefault("repeats", "3"));

        List<Setup> setups = List.of(
                new Setup(
                        "rees46",
                        "REES46, its own sessions (user_session)",
                        "rees46",
                        REES46,
                        ModelReplay.Sessions.DATASET,
                        reesGap,
                        reesHorizon),
                new Setup(
                        "rees46-gap",
                        "REES46, job sessions (" + TimeUtils.formatWithHighestUnit(reesGap) + " gap)",
                        "rees46",
                        REES46,
                        ModelReplay.Sessions.GAP,
                        reesGap,
                        reesHorizon),
                new Setup(
                        "taobao",
                        "Taobao, job sessions (" + TimeUtils.formatWithHighestUnit(taobaoGap) + " gap)",
                        "taobao",
                        TAOBAO,
                        ModelReplay.Sessions.GAP,
                        taobaoGap,
                        taobaoHorizon),
                new Setup(
                        "cdnow",
                        "CDNOW through the job (a session per purchase day, "
                                + TimeUtils.formatWithHighestUnit(cdnowHorizon) + " horizon)",
                        "cdnow",
                        CDNOW,
                        ModelReplay.Sessions.GAP,
                        Duration.ofHours(1),
                        cdnowHorizon,
                        // a customer buys every few months: the k-means sample must span the 18 months, not the
                        // default 30 days of a shop whose users come back daily
                        Map.of(MailflowOptions.KMEANS_SAMPLE_MAX_AGE.key(), "548d")));
        List<String> wanted = List.of(
                opts.getOrDefault("replays", "rees46,rees46-gap,taobao,cdnow").split(","));
        List<Run> results = new ArrayList<>();
        for (Setup s : setups) {
            if (!wanted.contains(s.id())) {
                continue;
            }
            results.add(run(
                    s,
                    data,
                    trainFraction,
                    parallelism,
                    maxEvents,
                    runs,
                    withWholeReplayWindow(overrides(opts.getOrDefault("set", ""))),
                    repeats));
        }
        String command = "mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.ModelEvaluation -Ddemo.args=\""
                + String.join(" ", args) + "\"";
        UciShoppersEvaluation.Result uci = null;
        if (Boolean.parseBoolean(opts.getOrDefault("uci", "true"))) {
            Path uciFile = data.resolve(UciShoppersEvaluation.FILE);
            if (Files.isReadable(uciFile)) {
                uci = UciShoppersEvaluation.evaluate(uciFile, SEED);
            } else {
                System.err.println("UCI Online Shoppers not found at " + uciFile + ": its section is left out");
            }
        }
        List<UciShoppersEvaluation.Result> uciSeeds = new ArrayList<>();
        if (uci != null) {
            for (String seed : opts.getOrDefault("uci-seeds", "").split(",")) {
                if (!seed.isBlank()) {
                    uciSeeds.add(UciShoppersEvaluation.evaluate(
                            data.resolve(UciShoppersEvaluation.FILE), Long.parseLong(seed.trim())));
                }
            }
        }
        CdnowEvaluation.Result cdnow = null;
        if (Boolean.parseBoolean(opts.getOrDefault("cdnow", "true"))) {
            Path cdnowFile = data.resolve(CdnowEvaluation.FILE);
            if (Files.isReadable(cdnowFile)) {
                cdnow = CdnowEvaluation.evaluate(cdnowFile, SEED);
            } else {
                System.err.println("CDNOW not found at " + cdnowFile + ": its section is left out");
            }
        }
        String report = ModelEvaluationReport.render(
                results, uci, uciSeeds, cdnow, command, LocalDate.now().toString(), trainFraction, parallelism, runs);
        if (opts.containsKey("out")) {
            Files.writeString(Path.of(opts.get("out")), report);
        }
        System.out.println(report);
    }

    public static Run run(
            Setup setup,
            Path data,
            double trainFraction,
            int parallelism,
            int maxEvents,
            int kmeansRuns,
            Map<String, String> overrides)
            throws Exception {
        return run(setup, data, trainFraction, parallelism, maxEvents, kmeansRuns, overrides, 1);
    }

    /**
     * @param repeats replays of the same input in all (the first included): the segment model's SSE ratio in each,
     *     and whether every replay produced the same model versions (it must: the trainer's batches follow event
     *     time, not the timing of watermarks)
     */
    public static Run run(
            Setup setup,
            Path data,
            double trainFraction,
            int parallelism,
            int maxEvents,
            int kmeansRuns,
            Map<String, String> overrides,
            int repeats)
            throws Exception {
        long started = System.nanoTime();
        List<Event> events = new CsvImporter(CsvFormat.named(setup.format())).readAll(data.resolve(setup.file()));
        if (maxEvents > 0 && events.size() > maxEvents) {
            events = events.subList(0, maxEvents);
        }
        Map<String, String> settings = new LinkedHashMap<>(setup.settings());
        settings.putAll(overrides);
        MailflowConfig config = MailflowConfig.builder()
                .setAll(settings)
                .set(MailflowOptions.SESSION_GAP, setup.gap())
                .set(MailflowOptions.LABEL_HORIZON, setup.horizon())
                .build();
        ModelReplay.Outputs out = ModelReplay.run(events, setup.sessions(), config, parallelism);
        long positives = out.examples().stream().filter(e -> e.label() > 0.5).count();
        long evaluablePositives = out.examples().stream()
                .filter(e ->
                        e.label() > 0.5 && e.snapshotTime() + setup.horizon().toMillis() <= out.dataEnd())
                .count();
        System.err.printf(
                "%s: %d sessions, %d examples, %d positive, %d positive and uncensored%n",
                setup.name(), out.sessions(), out.examples().size(), positives, evaluablePositives);
        Ftrl ftrl = new Ftrl(
                config.get(MailflowOptions.FTRL_ALPHA),
                config.get(MailflowOptions.FTRL_BETA),
                config.get(MailflowOptions.FTRL_L1),
                config.get(MailflowOptions.FTRL_L2));
        PropensityEvaluation.Result p = PropensityEvaluation.evaluate(
                out.examples(),
                out.scores(),
                out.features().size(),
                out.dataEnd(),
                setup.horizon().toMillis(),
                ftrl,
                binnedSettings(config),
                out.validation(),
                config.get(MailflowOptions.FTRL_PUBLISH_EVERY),
                trainFraction,
                SEED);
        SegmentEvaluation.Result s = SegmentEvaluation.evaluate(out.features(), out.kmeansModels(), kmeansRuns, SEED);
        double seconds = (System.nanoTime() - started) / 1e9;
        List<Double> ratios = new ArrayList<>(List.of(s.ratio()));
        boolean identical = true;
        List<KMeansModel> first = sortedModels(out.kmeansModels());
        for (int r = 1; r < repeats; r++) {
            ModelReplay.Outputs again = ModelReplay.run(events, setup.sessions(), config, parallelism);
            List<KMeansModel> models = sortedModels(again.kmeansModels());
            identical &= sameModels(first, models);
            double[][] points = SegmentEvaluation.finalWindow(again.features());
            ratios.add(
                    SegmentEvaluation.sse(points, models.get(models.size() - 1).centroids()) / s.batchSse());
        }
        return new Run(setup, out, p, s, config, seconds, ratios, identical);
    }

    /** The job's binned learner settings (the served model's), also when the replay serves the linear one. */
    static io.mailflow.scoring.BinnedFtrlSettings binnedSettings(MailflowConfig config) {
        io.mailflow.scoring.BinnedFtrlSettings served =
                io.mailflow.job.PipelineSettings.models(config).scoring().binned();
        if (served != null) {
            return served;
        }
        MailflowConfig binned = config.toBuilder()
                .set(MailflowOptions.FTRL_LEARNER, MailflowOptions.PropensityLearner.BINNED)
                .build();
        return io.mailflow.job.PipelineSettings.models(binned).scoring().binned();
    }

    private static List<KMeansModel> sortedModels(List<KMeansModel> models) {
        return models.stream()
                .sorted(java.util.Comparator.comparingLong(KMeansModel::version))
                .toList();
    }

    private static boolean sameModels(List<KMeansModel> a, List<KMeansModel> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).version() != b.get(i).version()
                    || !java.util.Arrays.deepEquals(
                            a.get(i).centroids(), b.get(i).centroids())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The overrides, with {@code validation.window} at its maximum unless set: the job's last published
     * validation then covers every served score of the replay and can be checked against the report's.
     */
    static Map<String, String> withWholeReplayWindow(Map<String, String> overrides) {
        Map<String, String> out = new LinkedHashMap<>(overrides);
        out.putIfAbsent(MailflowOptions.VALIDATION_WINDOW.key(), String.valueOf(WHOLE_REPLAY_WINDOW));
        return out;
    }

    /** {@code key=value,key=value}: job options that differ from the defaults in every replay. */
    static Map<String, String> overrides(String list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : list.split(",")) {
            if (!pair.isBlank()) {
                String[] kv = pair.split("=", 2);
                out.put(kv[0].trim(), kv.length > 1 ? kv[1].trim() : "");
            }
        }
        return out;
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'");
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }
}
