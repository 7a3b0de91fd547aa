package io.mailflow.bench;

/** The fixed part of the model-evaluation report: protocol and definitions. */
final class ModelEvaluationNotes {
    static final String TEXT = "";

    private ModelEvaluationNotes() {}
}
