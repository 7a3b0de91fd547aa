package io.mailflow.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walls of the code base, as rules the build checks (docs/architecture.md explains them):
 * <ul>
 *   <li>only {@code job} wires the pipeline: stages, the shared low packages ({@code common}, {@code model},
 *       {@code io}) never import {@code job}, {@code config} or the tools;
 *   <li>the tracking service ({@code tracking}) is its own process: the job never imports it, and it imports
 *       neither the job nor Flink;
 *   <li>no package cycles;
 *   <li>the algorithms and rules are plain Java: nothing from Flink, so they are unit-tested without it.
 * </ul>
 */
class ArchitectureTest {
    /** The pipeline's stages and the low packages they share. */
    static final String[] STAGES_AND_SHARED = {
        "io.mailflow.ingestion..",
        "io.mailflow.sessions..",
        "io.mailflow.features..",
        "io.mailflow.segmentation..",
        "io.mailflow.scoring..",
        "io.mailflow.models..",
        "io.mailflow.recommendations..",
        "io.mailflow.campaigns..",
        "io.mailflow.catalog..",
        "io.mailflow.profiles..",
        "io.mailflow.guardrails..",
        "io.mailflow.email..",
        "io.mailflow.delivery..",
        "io.mailflow.feedback..",
        "io.mailflow.common..",
        "io.mailflow.model..",
        "io.mailflow.io..",
        "io.mailflow.privacy.."
    };

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.mailflow");
    }

    @Test
    void stagesDoNotImportTheJobTheConfigurationOrTools() {
        ArchRule rule = noClasses()
                .that()
                .resideInAnyPackage(STAGES_AND_SHARED)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.mailflow.job..",
                        "io.mailflow.config..",
                        "io.mailflow.tools..",
                        "io.mailflow.testkit..",
                        "io.mailflow.tracking..")
                .because("job is the only place that wires the pipeline and reads the configuration;"
                        + " a stage takes its inputs and its own settings record");
        rule.check(main);
    }

    @Test
    void theJobDoesNotImportTools() {
        ArchRule rule = noClasses()
                .that()
                .resideInAnyPackage("io.mailflow.job..", "io.mailflow.config..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.mailflow.tools..", "io.mailflow.testkit..", "io.mailflow.tracking..")
                .because("the job jar holds the job, not the demo, CLIs, the tracking service or test fixtures");
        rule.check(main);
    }

    @Test
    void theOnlyEntryPointOutsideToolsIsTheJob() {
        ArchRule rule = methods()
                .that()
                .haveName("main")
                .and()
                .areStatic()
                .and()
                .areDeclaredInClassesThat()
                .resideOutsideOfPackages("io.mailflow.tools..", "io.mailflow.testkit..", "io.mailflow.tracking..")
                .should()
                .beDeclaredIn(io.mailflow.job.MailflowJob.class)
                .because(
                        "CLIs, the demo and other tools live under io.mailflow.tools (child-JVM fixtures under testkit), apart from the job's stages");
        rule.check(main);
    }

    @Test
    void thePrivacyMathImportsNothingOfMailflow() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage("io.mailflow.privacy..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("io.mailflow.privacy..", "java..", "javax..")
                .because("the samplers and the budget are a low package: plain Java, reviewable on their own");
        rule.check(main);
    }

    @Test
    void theTrackingServiceIsApartFromTheJobAndFlink() {
        // it runs as its own small process: the job's wire formats and token code, never the job or Flink
        noClasses()
                .that()
                .resideInAPackage("io.mailflow.tracking..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.mailflow.job..",
                        "io.mailflow.config..",
                        "io.mailflow.tools..",
                        "io.mailflow.testkit..",
                        "org.apache.flink..")
                .because("the tracking service is a separate HTTP server that shares only the wire formats and tokens")
                .check(main);
        methods()
                .that()
                .haveName("main")
                .and()
                .areStatic()
                .and()
                .areDeclaredInClassesThat()
                .resideInAPackage("io.mailflow.tracking..")
                .should()
                .beDeclaredIn(io.mailflow.tracking.TrackingMain.class)
                .check(main);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.mailflow.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void algorithmsAndRulesImportNothingFromFlink() {
        ArchRule rule = classes()
                .that()
                .haveFullyQualifiedName("io.mailflow.scoring.Ftrl")
                .or()
                .haveFullyQualifiedName("io.mailflow.scoring.ProgressiveValidator")
                .or()
                .haveFullyQualifiedName("io.mailflow.scoring.BinnedFtrl")
                .or()
                .haveFullyQualifiedName("io.mailflow.scoring.QuantileSketch")
                .or()
                .haveFullyQualifiedName("io.mailflow.scoring.PlattCalibrator")
                .or()
                .haveFullyQualifiedName("io.mailflow.scoring.Calibration")
                .or()
                .haveFullyQualifiedName("io.mailflow.scoring.UpliftLearner")
                .or()
                .haveFullyQualifiedName("io.mailflow.scoring.UpliftModel")
                .or()
                .haveFullyQualifiedName("io.mailflow.campaigns.UpliftTargeting")
                .or()
                .haveFullyQualifiedName("io.mailflow.segmentation.StreamingKMeans")
                .or()
                .haveFullyQualifiedName("io.mailflow.segmentation.KMeansPlusPlus")
                .or()
                .haveFullyQualifiedName("io.mailflow.features.FeatureExtractor")
                .or()
                .haveFullyQualifiedName("io.mailflow.features.IdleSchedule")
                .or()
                .haveFullyQualifiedName("io.mailflow.features.OnlineStandardizer")
                .or()
                .haveFullyQualifiedName("io.mailflow.sessions.SessionAggregator")
                .or()
                .haveFullyQualifiedName("io.mailflow.recommendations.Recommender")
                .or()
                .haveFullyQualifiedName("io.mailflow.recommendations.CoOccurrence")
                .or()
                .haveFullyQualifiedName("io.mailflow.guardrails.GuardrailPolicy")
                .or()
                .haveFullyQualifiedName("io.mailflow.guardrails.FrequencyCap")
                .or()
                .haveFullyQualifiedName("io.mailflow.guardrails.QuietHours")
                .or()
                .haveFullyQualifiedName("io.mailflow.ingestion.EventValidator")
                .or()
                .haveFullyQualifiedName("io.mailflow.feedback.EngagementValidator")
                .or()
                .haveFullyQualifiedName("io.mailflow.catalog.CatalogValidator")
                .or()
                .haveFullyQualifiedName("io.mailflow.catalog.CatalogEnrichment")
                .or()
                .haveFullyQualifiedName("io.mailflow.email.EmailComposer")
                .or()
                .haveFullyQualifiedName("io.mailflow.email.TemplateRenderer")
                .or()
                .resideInAPackage("io.mailflow.campaigns.rules..")
                .or()
                .resideInAPackage("io.mailflow.privacy..")
                .or()
                .haveFullyQualifiedName("io.mailflow.feedback.DpRelease")
                .or()
                .haveFullyQualifiedName("io.mailflow.feedback.DpContribution")
                .should()
                .onlyDependOnClassesThat()
                .resideOutsideOfPackage("org.apache.flink..")
                .because(
                        "algorithms and rules are plain Java classes tested with plain JUnit; operators are thin wrappers");
        rule.check(main);
    }
}
