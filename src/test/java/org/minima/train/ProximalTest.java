package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.minima.io.InputException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The proximal (conservative) step on quadratics, against the closed form and against plain optimizer steps. */
class ProximalTest {
    // f(x) = ½xᵀAx − bᵀx, A symmetric positive definite (eigenvalues in about [1, 3.6])
    static final double[][] A = {{2, 0.5, 0}, {0.5, 1.5, 0.3}, {0, 0.3, 3}};
    static final double[] B = {1, -2, 0.5};

    /** g = Ax − b into a buffer the proximal step may modify. */
    static java.util.function.Supplier<INDArray> gradient(INDArray w, INDArray g) {
        return () -> {
            for (int i = 0; i < 3; i++) {
                double s = -B[i];
                for (int j = 0; j < 3; j++) s += A[i][j] * w.getDouble(j);
                g.putScalar(i, s);
            }
            return g;
        };
    }

    @Test
    void theInnerLoopConvergesToTheClosedFormMinimizerOfTheProximalProblem() {
        double lambda = 0.7;
        INDArray w = Nd4j.createFromArray(0.3, -0.4, 1.2), g = Nd4j.zeros(DataType.DOUBLE, 3);
        double[] xk = w.toDoubleVector();
        Proximal p = new Proximal(new Sgd(3, DataType.DOUBLE, 0, false, 0, false), 400, lambda, 3, DataType.DOUBLE);
        p.step(w, 0.2, gradient(w, g));
        // argmin f(x) + (λ/2)‖x − x_k‖² solves (A + λI)x = b + λx_k
        RealMatrix m = new Array2DRowRealMatrix(A).add(new Array2DRowRealMatrix(new double[][] {{lambda, 0, 0}, {0, lambda, 0}, {0, 0, lambda}}));
        double[] rhs = new double[3];
        for (int i = 0; i < 3; i++) rhs[i] = B[i] + lambda * xk[i];
        double[] x = new LUDecomposition(m).getSolver().solve(new ArrayRealVector(rhs)).toArray();
        assertArrayEquals(x, w.toDoubleVector(), 1e-12);
        assertEquals(400, p.steps());
    }

    @Test
    void oneInnerStepIsAPlainStepAndLambdaZeroIsPlainStepsOnTheSameBatch() {
        for (int inner : new int[] {1, 3}) {
            INDArray w1 = Nd4j.createFromArray(0.3, -0.4, 1.2), w2 = w1.dup(), g1 = Nd4j.zeros(DataType.DOUBLE, 3), g2 = g1.dup();
            // λ → 0: with one inner step any λ gives the plain step (the proximal term is zero at x_k); with three, λ = 0
            Proximal p = new Proximal(new Adam(3, DataType.DOUBLE, 0.9, 0.999, 1e-8, 0, false), inner, inner == 1 ? 5.0 : 0.0, 3, DataType.DOUBLE);
            Adam plain = new Adam(3, DataType.DOUBLE, 0.9, 0.999, 1e-8, 0, false);
            for (int k = 0; k < 4; k++) {
                p.step(w1, 0.05, gradient(w1, g1));
                for (int j = 0; j < inner; j++) plain.step(w2, gradient(w2, g2).get(), 0.05);
            }
            assertArrayEquals(w2.toDoubleVector(), w1.toDoubleVector(), 0.0);
            // the inner optimizer's state persisted across the outer steps: the same moments and step count
            assertArrayEquals(plain.state().get("m").toDoubleVector(), p.state().get("m").toDoubleVector(), 0.0);
            assertEquals(plain.steps(), p.steps());
        }
    }

    @Test
    void theConfigFormReadsTheInnerOptimizerAndRefusesMisplacedKeys() {
        Map<String, Object> raw = TrainerTest.config(TrainerTest.linearModel(2),
                Map.of("name", "proximal", "inner", Map.of("name", "adam", "lr", 0.002), "steps", 2, "lambda", 0.1),
                Map.of("name", "fixed"), Map.of("size", 8), 1, 1);
        TrainConfig cfg = TrainConfig.parse(raw, "t");
        assertEquals(0.002, cfg.optimizer().lr());
        Optimizer o = cfg.optimizer().create(6, DataType.FLOAT);
        assertEquals("proximal", o.name());
        assertEquals(2, ((Proximal) o).innerSteps());
        assertEquals("adam", ((Proximal) o).inner().name());
        raw.put("optimizer", Map.of("name", "proximal", "lr", 0.1, "inner", Map.of("name", "sgd", "lr", 0.1), "lambda", 1));
        InputException e = assertThrows(InputException.class, () -> TrainConfig.parse(raw, "t"));
        assertEquals("t: optimizer.lr: belongs in 'inner'; proximal takes inner, steps, lambda", e.getMessage());
        raw.put("optimizer", Map.of("name", "proximal", "inner", Map.of("name", "sgd", "lr", 0.1)));
        assertThrows(InputException.class, () -> TrainConfig.parse(raw, "t"));
    }
}
