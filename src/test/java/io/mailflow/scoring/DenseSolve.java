package io.mailflow.scoring;

/** Small dense linear systems for the tests' batch Newton fits. */
public final class DenseSolve {
    private DenseSolve() {}

    /** Solves {@code a x = b} for a small k x k system: Gauss-Jordan elimination with partial pivoting. */
    public static double[] solve(double[][] a, double[] b) {
        int k = b.length;
        double[][] m = new double[k][k + 1];
        for (int i = 0; i < k; i++) {
            System.arraycopy(a[i], 0, m[i], 0, k);
            m[i][k] = b[i];
        }
        for (int c = 0; c < k; c++) {
            int pivot = c;
            for (int r = c + 1; r < k; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
                    pivot = r;
                }
            }
            double[] tmp = m[c];
            m[c] = m[pivot];
            m[pivot] = tmp;
            for (int r = 0; r < k; r++) {
                if (r != c) {
                    double f = m[r][c] / m[c][c];
                    for (int j = c; j <= k; j++) {
                        m[r][j] -= f * m[c][j];
                    }
                }
            }
        }
        double[] x = new double[k];
        for (int i = 0; i < k; i++) {
            x[i] = m[i][k] / m[i][i];
        }
        return x;
    }
}
