package io.mailflow.scoring;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import io.mailflow.features.StandardizerState;
import io.mailflow.features.UserFeatures;
import io.mailflow.features.UserHistory;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.SegmentAssignment;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every stream element and state type of the model pipeline is a POJO/record, never Kryo (nor a Flink ML type). */
class ModelSerializationTest {

    static Stream<Class<?>> types() {
        return Stream.of(
                UserFeatures.class,
                UserHistory.class,
                io.mailflow.features.ModelSignals.class,
                io.mailflow.features.ModelExtras.class,
                io.mailflow.features.FeatureSignal.class,
                StandardizerState.class,
                KMeansModel.class,
                SegmentAssignment.class,
                LabeledExample.class,
                LogRegModel.class,
                FtrlState.class,
                BinnedModel.class,
                BinnedFtrlState.class,
                ValidationWindow.class,
                ValidationMetrics.class,
                PropensityScore.class,
                UpliftState.class,
                UpliftModel.class,
                UpliftExample.class,
                CampaignUpliftModel.class);
    }

    @ParameterizedTest
    @MethodSource("types")
    void serializedAsPojoWithoutKryo(Class<?> type) {
        assertSerializedAsPojoWithoutKryo(type);
    }
}
