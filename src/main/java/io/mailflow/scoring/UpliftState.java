package io.mailflow.scoring;

/**
 * Everything the online uplift learner needs to continue where it stopped: one FTRL state per arm.
 *
 * @param version number of uplift models published so far (the version of the latest one)
 * @param treated FTRL state of the outcome model of users who were e-mailed
 * @param control FTRL state of the outcome model of users held out (not e-mailed)
 */
public record UpliftState(long version, FtrlState treated, FtrlState control) {
    public static UpliftState initial(int features) {
        return new UpliftState(0, FtrlState.initial(features), FtrlState.initial(features));
    }

    public int features() {
        return treated.features();
    }

    /** Examples learned from, both arms together. */
    public long examples() {
        return treated.examples() + control.examples();
    }
}
