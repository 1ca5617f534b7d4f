package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.minima.nn.NetTesting.*;

import org.minima.analysis.NetworkObjective;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;
import org.minima.io.ModelSpec.BatchNorm;
import org.minima.io.ModelSpec.Dropout;
import org.minima.io.ModelSpec.Linear;
import org.minima.io.ModelSpec.Relu;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Exact Hessian-vector products (R-operator) against differences of the exact gradient (float64). */
class HessianVectorTest {
    /** 6 → 8 → BN → ReLU → dropout → 5 → BN → ReLU → 4 (with a BN on the logits): 56+16+45+10+24+8 = 159 parameters. */
    private static final ModelSpec SMALL = spec(new int[] {6}, 4,
            new Linear(6, 8), new BatchNorm(8, 1e-5, 0.1), new Relu(), new Dropout(0.5),
            new Linear(8, 5), new BatchNorm(5, 1e-5, 0.1), new Relu(), new Linear(5, 4), new BatchNorm(4, 1e-5, 0.1));

    @Test
    void hessianVectorProductMatchesCentralDifferencesOfTheGradient() {
        // independent answer: H·v ≈ (∇f(w + h·v) − ∇f(w − h·v)) / 2h, h = 1e-5, ∇f checked against FD elsewhere
        DataSet data = randomData(13, new int[] {6}, 4, 5);
        Network net = network(SMALL, 3);
        NetworkObjective f = new NetworkObjective(net, data, 5);
        INDArray w = net.parameters().dup();
        INDArray v = randomVector(w.length(), 9);
        double h = 1e-5;
        double[] expected = values(gradient(f, w.add(v.mul(h))).sub(gradient(f, w.sub(v.mul(h)))).div(2 * h));
        double[] actual = values(hv(f, w, v));
        double err = maxAbsDiff(expected, actual);
        assertTrue(err <= 1e-6 * norm(expected), "max diff " + err + " vs ‖Hv‖ " + norm(expected));
        assertEquals(1, f.hvps());
    }

    @Test
    void fullHessianFromUnitVectorProductsMatchesTheFiniteDifferenceHessianAndIsSymmetric() {
        // independent answer: column i of H ≈ (∇f(w + h·eᵢ) − ∇f(w − h·eᵢ)) / 2h for all 159 columns;
        // and a true Hessian is symmetric, which the R-operator does not impose
        DataSet data = randomData(10, new int[] {6}, 4, 6);
        Network net = network(SMALL, 4);
        NetworkObjective f = new NetworkObjective(net, data, 4);
        INDArray w = net.parameters().dup();
        assertEquals(159, w.length());
        assertFullHessianMatchesDifferences(f, w, 1e-12);
    }

    @Test
    void bilinearFormIsSymmetricForRandomVectors() {
        // uᵀ(Hv) = vᵀ(Hu): symmetry of the exact Hessian, not built into the R-operator passes
        DataSet data = randomData(9, new int[] {6}, 4, 7);
        Network net = network(SMALL, 5);
        NetworkObjective f = new NetworkObjective(net, data, 9);
        assertBilinearFormSymmetric(f, net.parameters().dup(), 1, 2);
    }

    @Test
    void chunkedHessianVectorProductEqualsUnchunked() {
        // the sum over chunks (weighted by size) is the same function: chunk 3 vs one chunk of 13
        DataSet data = randomData(13, new int[] {6}, 4, 8);
        Network net = network(SMALL, 6);
        INDArray w = net.parameters().dup();
        INDArray v = randomVector(w.length(), 3);
        double[] a = values(hv(new NetworkObjective(net, data, 3), w, v));
        double[] b = values(hv(new NetworkObjective(net, data, 13), w, v));
        assertTrue(maxAbsDiff(a, b) <= 1e-13 * norm(b));
    }
}
