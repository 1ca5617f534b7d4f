package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;
import org.minima.nn.Evaluation;
import org.minima.nn.Network;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

public class InterpolationNetworkTest {
    static final ModelSpec BN_NET = new ModelSpec(new int[] {6}, 3, null, List.of(
            new ModelSpec.Linear(6, 5), new ModelSpec.BatchNorm(5, 1e-5, 0.1), new ModelSpec.Relu(), new ModelSpec.Linear(5, 3)));

    public static DataSet data(int n, int features, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * features];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-2, 2);
        for (int i = 0; i < n; i++) y[i] = i % classes;
        return new DataSet("test", new int[] {features}, classes, x, y);
    }

    /** A network with seeded weights and batch-norm running statistics that are not the defaults. */
    public static Network net(long seed) {
        Network n = Network.create(BN_NET, DataType.DOUBLE);
        n.initialize(seed);
        SplittableRandom r = new SplittableRandom(seed + 100);
        double[] b = new double[(int) n.bufferCount()];
        for (int i = 0; i < 5; i++) b[i] = r.nextDouble(-0.5, 0.5);          // running_mean
        for (int i = 5; i < 10; i++) b[i] = r.nextDouble(0.5, 2.0);          // running_var
        n.buffers().assign(org.nd4j.linalg.factory.Nd4j.createFromArray(b));
        return n;
    }

    @Test
    void interpolatedLossesAtAlphaZeroAndOneEqualEachModelsOwnLoss() {
        // The answer: each model evaluated on its own, before any interpolation touched anything.
        DataSet train = data(40, 6, 3, 1);
        DataSet test = data(30, 6, 3, 2);
        Network a = net(11);
        Network b = net(12);
        Evaluation aTrain = a.evaluate(train, 16), aTest = a.evaluate(test, 16);
        Evaluation bTrain = b.evaluate(train, 16), bTest = b.evaluate(test, 16);

        var ends = new Interpolation.Ends(a.parameters().dup(), a.buffers().dup(), b.parameters(), b.buffers(), ParameterLayout.of(BN_NET));
        List<Interpolation.Point> pts = Interpolation.run(ends, a.parameters(), a.buffers(), Grid.parse("-1:2:25", "--alpha"),
                Interpolation.Path.LINEAR,
                () -> new Score(a.evaluate(train, 16).loss(), a.evaluate(train, 16).accuracy()),
                () -> new Score(a.evaluate(test, 16).loss(), a.evaluate(test, 16).accuracy()), k -> {});
        Interpolation.Point at0 = pts.get(8), at1 = pts.get(16);
        assertEquals(0.0, at0.alpha());
        assertEquals(1.0, at1.alpha());
        assertEquals(aTrain.loss(), at0.train().loss(), 1e-12);
        assertEquals(aTest.loss(), at0.test().loss(), 1e-12);
        assertEquals(aTrain.accuracy(), at0.train().accuracy(), 0.0);
        assertEquals(bTrain.loss(), at1.train().loss(), 1e-12);
        assertEquals(bTest.loss(), at1.test().loss(), 1e-12);
        assertEquals(bTest.accuracy(), at1.test().accuracy(), 0.0);

        // The same through the unit, on fresh copies (another chunk size): the ends' scores, and `from` as it was.
        Network from = net(11);
        var parameters = from.parameters().dup();
        var buffers = from.buffers().dup();
        Interpolation.Result r = Interpolation.run(from, net(12), train, test,
                Interpolation.Options.defaults().withAlphas(new Grid(0, 1, 3)).withChunk(7), k -> {});
        assertEquals(3, r.points().size());
        assertEquals(aTrain.loss(), r.points().get(0).train().loss(), 1e-12);
        assertEquals(aTrain.accuracy(), r.points().get(0).train().accuracy(), 0.0);
        assertEquals(bTest.loss(), r.points().get(2).test().loss(), 1e-12);
        assertEquals(parameters, from.parameters());
        assertEquals(buffers, from.buffers());
        assertEquals("alpha,trainLoss,trainAccuracy,testLoss,testAccuracy", r.csv().split("\\n")[0]);
    }

    @Test
    void lossAlongTheLineBetweenModelsThatDifferOnlyInTheLastBiasIsTheSoftmaxClosedForm() {
        // Model: logits = W·x + b (one linear layer). With W shared, θ(α) has bias b(α) = (1 − α)·b₀ + α·b₁, so
        // the loss is mean_i [log Σ_k exp(W x_i + b(α))_k − (W x_i + b(α))_{y_i}], computed here with plain loops.
        ModelSpec spec = new ModelSpec(new int[] {4}, 3, null, List.of(new ModelSpec.Linear(4, 3)));
        Network from = Network.create(spec, DataType.DOUBLE);
        from.initialize(5);
        Network to = Network.load(spec, from.toTensors("F64"), DataType.DOUBLE);
        double[] b0 = {0.3, -0.2, 0.1};
        double[] b1 = {-1.5, 2.0, 0.7};
        double[] w = from.parameters().toDoubleVector(); // [W (3×4 row-major), b]
        for (int k = 0; k < 3; k++) {
            from.parameters().putScalar(12 + k, b0[k]);
            to.parameters().putScalar(12 + k, b1[k]);
        }
        DataSet d = data(50, 4, 3, 9);
        var ends = new Interpolation.Ends(from.parameters().dup(), from.buffers().dup(), to.parameters(), to.buffers(), ParameterLayout.of(spec));
        Grid alphas = Grid.parse("-1:2:13", "--alpha");
        List<Interpolation.Point> pts = Interpolation.run(ends, from.parameters(), from.buffers(), alphas, Interpolation.Path.LINEAR,
                () -> { Evaluation e = from.evaluate(d, 7); return new Score(e.loss(), e.accuracy()); },
                () -> new Score(0, 0), k -> {});
        float[] x = d.rawFeatures();
        for (Interpolation.Point p : pts) {
            double a = p.alpha();
            double sum = 0;
            int correct = 0;
            for (int i = 0; i < d.size(); i++) {
                double[] z = new double[3];
                for (int k = 0; k < 3; k++) {
                    z[k] = (1 - a) * b0[k] + a * b1[k];
                    for (int j = 0; j < 4; j++) z[k] += w[k * 4 + j] * x[i * 4 + j];
                }
                double m = Math.max(z[0], Math.max(z[1], z[2]));
                double lse = m + Math.log(Math.exp(z[0] - m) + Math.exp(z[1] - m) + Math.exp(z[2] - m));
                sum += lse - z[d.label(i)];
                int arg = z[0] >= z[1] && z[0] >= z[2] ? 0 : z[1] >= z[2] ? 1 : 2;
                if (arg == d.label(i)) correct++;
            }
            assertEquals(sum / d.size(), p.train().loss(), 1e-12, "alpha " + a);
            assertEquals(correct / (double) d.size(), p.train().accuracy(), 0.0, "alpha " + a);
        }
    }

    @Test
    void lossPastTheToEndIsFiniteAndEqualsTheLossWithTheNegativeRunningVariancesSetToZeroByHand() {
        // Running variances chosen so that at α = 1.5, −0.5·v_from + 1.5·v_to is negative for features 0, 3, 4.
        // The answer: a separate network built by hand with θ(1.5) computed in plain Java doubles and those
        // three variances written as 0, evaluated on its own. Without the clamp the loss there is NaN (checked
        // too, so the case really is the one that broke the figure).
        double[] vFrom = {2.0, 1.8, 0.6, 1.0, 1.5};
        double[] vTo = {0.3, 1.0, 0.9, 0.2, 0.4};
        Network a = net(21);
        Network b = net(22);
        for (int k = 0; k < 5; k++) {
            a.buffers().putScalar(5 + k, vFrom[k]);
            b.buffers().putScalar(5 + k, vTo[k]);
        }
        DataSet train = data(40, 6, 3, 3);
        double alpha = 1.5;
        double[] pa = a.parameters().toDoubleVector(), pb = b.parameters().toDoubleVector();
        double[] ba = a.buffers().toDoubleVector(), bb = b.buffers().toDoubleVector();
        double[] p = new double[pa.length], buf = new double[ba.length];
        for (int i = 0; i < p.length; i++) p[i] = (1 - alpha) * pa[i] + alpha * pb[i];
        for (int i = 0; i < buf.length; i++) buf[i] = (1 - alpha) * ba[i] + alpha * bb[i];
        Network plain = Network.create(BN_NET, DataType.DOUBLE);
        plain.parameters().assign(Nd4j.createFromArray(p));
        plain.buffers().assign(Nd4j.createFromArray(buf));
        assertTrue(Double.isNaN(plain.evaluate(train, 16).loss()), "plain extrapolation is NaN, as in PyTorch");
        for (int k : new int[] {0, 3, 4}) {
            assertTrue(buf[5 + k] < 0, "feature " + k + " extrapolates to a negative variance");
            buf[5 + k] = 0;
        }
        Network byHand = Network.create(BN_NET, DataType.DOUBLE);
        byHand.parameters().assign(Nd4j.createFromArray(p));
        byHand.buffers().assign(Nd4j.createFromArray(buf));
        Evaluation expected = byHand.evaluate(train, 16);

        var ends = new Interpolation.Ends(a.parameters().dup(), a.buffers().dup(), b.parameters(), b.buffers(), ParameterLayout.of(BN_NET));
        List<Interpolation.Point> pts = Interpolation.run(ends, a.parameters(), a.buffers(), Grid.parse("0:1.5:7", "--alpha"),
                Interpolation.Path.LINEAR,
                () -> { Evaluation e = a.evaluate(train, 16); return new Score(e.loss(), e.accuracy()); },
                () -> new Score(0, 0), k -> {});
        Interpolation.Point last = pts.get(6);
        assertEquals(1.5, last.alpha());
        assertTrue(Double.isFinite(last.train().loss()));
        assertEquals(expected.loss(), last.train().loss(), 1e-12 * Math.abs(expected.loss()));
        assertEquals(expected.accuracy(), last.train().accuracy(), 0.0);
    }
}
