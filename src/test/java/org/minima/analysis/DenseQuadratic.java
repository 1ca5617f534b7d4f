package org.minima.analysis;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** f(w) = ½ wᵀAw for a dense symmetric A: its Hessian is A everywhere, so its spectrum is known. */
final class DenseQuadratic implements Objective {
    final double[][] a;
    private final INDArray matrix;

    DenseQuadratic(double[][] a) {
        this.a = a;
        this.matrix = Nd4j.createFromArray(a).castTo(DataType.DOUBLE);
    }

    /** diag(d). */
    static DenseQuadratic diagonal(double[] d) {
        double[][] a = new double[d.length][d.length];
        for (int i = 0; i < d.length; i++) a[i][i] = d[i];
        return new DenseQuadratic(a);
    }

    /** Q·diag(d)·Qᵀ with Q the orthogonal factor of a seeded Gaussian matrix (Commons Math QR). */
    static DenseQuadratic rotated(double[] d, long seed) {
        int n = d.length;
        Random rng = new Random(seed);
        double[][] g = new double[n][n];
        for (double[] row : g) for (int j = 0; j < n; j++) row[j] = rng.nextGaussian();
        RealMatrix q = new QRDecomposition(new Array2DRowRealMatrix(g, false)).getQ();
        RealMatrix dm = new Array2DRowRealMatrix(n, n);
        for (int i = 0; i < n; i++) dm.setEntry(i, i, d[i]);
        double[][] a = q.multiply(dm).multiply(q.transpose()).getData();
        for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) { double s = 0.5 * (a[i][j] + a[j][i]); a[i][j] = s; a[j][i] = s; }
        return new DenseQuadratic(a);
    }

    INDArray origin() { return Nd4j.zeros(DataType.DOUBLE, a.length); }

    HessianOperator operator() { return new HessianOperator(this, origin()); }

    @Override public long dimension() { return a.length; }

    @Override public double value(INDArray w) {
        return 0.5 * w.reshape(1, a.length).mmul(matrix).mmul(w.reshape(a.length, 1)).getDouble(0);
    }

    @Override public double valueAndGradient(INDArray w, INDArray gradOut) {
        gradOut.assign(matrix.mmul(w.reshape(a.length, 1)).reshape(a.length));
        return value(w);
    }

    @Override public void hessianVector(INDArray w, INDArray v, INDArray out) {
        out.assign(matrix.mmul(v.reshape(a.length, 1)).reshape(a.length));
    }

    /** ‖A·v − λ·v‖ in plain Java double arithmetic, independent of the ND4J kernels under test. */
    double residual(INDArray v, double lambda) {
        double[] x = v.toDoubleVector();
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double r = -lambda * x[i];
            for (int j = 0; j < a.length; j++) r += a[i][j] * x[j];
            s += r * r;
        }
        return Math.sqrt(s);
    }
}
