package io.mailflow.models;

import io.mailflow.features.FeatureSettings;
import io.mailflow.scoring.ScoringSettings;
import io.mailflow.segmentation.SegmentationSettings;
import java.io.Serializable;

/** The settings of the three model stages. */
public record ModelSettings(FeatureSettings features, SegmentationSettings segmentation, ScoringSettings scoring)
        implements Serializable {}
