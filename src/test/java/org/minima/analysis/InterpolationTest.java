package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.minima.io.ModelSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class InterpolationTest {

    static INDArray vec(double... v) {
        return Nd4j.createFromArray(v).castTo(DataType.DOUBLE);
    }

    /**
     * One batch norm of one feature, then a linear 1 → 2 (a valid model needs two classes): parameters (γ, β, then
     * the linear's four, held at 0 here), buffers (running_mean, running_var).
     */
    static final ParameterLayout ONE_BN = ParameterLayout.of(new ModelSpec(new int[] {1}, 2, null,
            List.of(new ModelSpec.BatchNorm(1, 1e-5, 0.1), new ModelSpec.Linear(1, 2))));

    @Test
    void parametersAndRunningStatisticsBothMoveAlongTheLinearAndTheCurvedPathWithVariancesClampedAtZero() {
        // from = (1, 2 | 10, 1), to = (3, −2 | 30, 2). Linear: θ(α) = (1 + 2α, 2 − 4α | 10 + 20α, max(0, 1 + α));
        // curved: cos(απ/2)·from + sin(απ/2)·to (Keskar Fig. 7), the variance again max(0, ·). The
        // "evaluators" report the vectors themselves; the answers are these closed forms.
        INDArray p = vec(0, 0, 0, 0, 0, 0);
        INDArray b = vec(0, 0);
        var ends = new Interpolation.Ends(vec(1, 2, 0, 0, 0, 0), vec(10, 1), vec(3, -2, 0, 0, 0, 0), vec(30, 2), ONE_BN);
        Grid alphas = Grid.parse("-1:2:7", "--alpha");
        List<Interpolation.Point> lin = Interpolation.run(ends, p, b, alphas, Interpolation.Path.LINEAR,
                () -> new Score(p.getDouble(0), p.getDouble(1)), () -> new Score(b.getDouble(0), b.getDouble(1)), k -> {});
        for (Interpolation.Point pt : lin) {
            double a = pt.alpha();
            assertEquals(1 + 2 * a, pt.train().loss(), 1e-14);
            assertEquals(2 - 4 * a, pt.train().accuracy(), 1e-14);
            assertEquals(10 + 20 * a, pt.test().loss(), 1e-13);
            assertEquals(Math.max(0, 1 + a), pt.test().accuracy(), 1e-14);
        }
        List<Interpolation.Point> cur = Interpolation.run(ends, p, b, alphas, Interpolation.Path.CURVED,
                () -> new Score(p.getDouble(0), p.getDouble(1)), () -> new Score(b.getDouble(0), b.getDouble(1)), k -> {});
        for (Interpolation.Point pt : cur) {
            double c = Math.cos(pt.alpha() * Math.PI / 2), s = Math.sin(pt.alpha() * Math.PI / 2);
            assertEquals(c * 1 + s * 3, pt.train().loss(), 1e-14);
            assertEquals(c * 10 + s * 30, pt.test().loss(), 1e-13);
            assertEquals(Math.max(0, c * 1 + s * 2), pt.test().accuracy(), 1e-14);
        }
        assertEquals(1.0, cur.get(2).train().loss(), 1e-15); // α = 0 is `from`
        assertEquals(3.0, cur.get(4).train().loss(), 1e-15); // α = 1 is `to`
        assertEquals(0.0, cur.get(0).test().accuracy(), 0.0); // α = −1: the variance −2 is clamped
    }

    @Test
    void csvHasTheDocumentedColumnsAndOneRowPerAlpha() {
        var pts = List.of(new Interpolation.Point(-1, new Score(1, 0.5), new Score(2, 0.25)),
                new Interpolation.Point(0, new Score(0.1, 0.9), new Score(0.2, 0.8)));
        String[] lines = Interpolation.csv(pts).split("\n");
        assertEquals("alpha,trainLoss,trainAccuracy,testLoss,testAccuracy", lines[0]);
        assertEquals(3, lines.length);
        assertEquals("-1.0,1.0,0.5,2.0,0.25", lines[1]);
    }
}
