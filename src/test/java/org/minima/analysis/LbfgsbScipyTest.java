package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.minima.io.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The truncated run is what Keskar's sharpness reports (10 iterations, m = 10), so its iterates are pinned, not only
 * converged optima: x and f after each iteration must match scipy's {@code fmin_l_bfgs_b} (Fortran L-BFGS-B 3.0)
 * to 1e-8 on four bounded problems whose bounds become active (one with some variables unbounded, where the first
 * trial step is 1/‖d‖ rather than 1). The fixture and the script that produced it (with
 * scipy's version and the exact call) are in src/test/resources/lbfgsb/; the functions are rebuilt here from the
 * same formulas and the data stored in the fixture.
 */
class LbfgsbScipyTest {

    private static final double TOL = 1e-8;

    private static JsonNode fixture() throws Exception {
        try (InputStream in = LbfgsbScipyTest.class.getResourceAsStream("/lbfgsb/iterates.json")) {
            return Json.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "iterates.json");
        }
    }

    private static double[] vector(JsonNode a) {
        return bounds(a, Double.NaN);
    }

    /** The entries of a JSON array, null (scipy's None: no bound) read as {@code none}. */
    private static double[] bounds(JsonNode a, double none) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).isNull() ? none : a.get(i).asDouble();
        return v;
    }

    /** Σ (1 − x_i)² + 100 (x_{i+1} − x_i²)². */
    private static double rosenbrock(double[] x, double[] g) {
        java.util.Arrays.fill(g, 0);
        double f = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i], u = x[i + 1] - a * a;
            f += (1 - a) * (1 - a) + 100 * u * u;
            g[i] += -2 * (1 - a) - 400 * a * u;
            g[i + 1] += 200 * u;
        }
        return f;
    }

    /** ½xᵀQx + bᵀx with Q indefinite. */
    private static Lbfgsb.Function quadratic(JsonNode data) {
        double[][] q = new double[data.get("b").size()][];
        for (int i = 0; i < q.length; i++) q[i] = vector(data.get("Q").get(i));
        return LbfgsbTest.quadratic(q, vector(data.get("b")));
    }

    /** Σ (x_i⁴/4 − x_i²/2 + a_i x_i) + ½ Σ (x_{i+1} − x_i)². */
    private static Lbfgsb.Function doubleWell(JsonNode data) {
        double[] a = vector(data.get("a"));
        return (x, g) -> {
            double f = 0;
            for (int i = 0; i < x.length; i++) {
                double xi = x[i];
                f += xi * xi * xi * xi / 4 - xi * xi / 2 + a[i] * xi;
                g[i] = xi * xi * xi - xi + a[i];
            }
            for (int i = 0; i + 1 < x.length; i++) {
                double d = x[i + 1] - x[i];
                f += 0.5 * d * d;
                g[i + 1] += d;
                g[i] -= d;
            }
            return f;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"rosenbrock5", "indefiniteQuadratic8", "partlyBoundedRosenbrock6", "doubleWell20"})
    void tenIterationsFollowScipysIterates(String name) throws Exception {
        JsonNode p = null;
        for (JsonNode q : fixture().get("problems")) if (q.get("name").asText().equals(name)) p = q;
        Lbfgsb.Function fun = switch (name) {
            case "rosenbrock5", "partlyBoundedRosenbrock6" -> LbfgsbScipyTest::rosenbrock;
            case "indefiniteQuadratic8" -> quadratic(p.get("data"));
            default -> doubleWell(p.get("data"));
        };
        double[] x0 = vector(p.get("x0"));
        List<double[]> xs = new ArrayList<>();
        List<Double> fs = new ArrayList<>();
        // The fixture's call: m 10, pgtol 1e-5, factr 1e7, 10 iterations (maxls 20 is our line search's budget too).
        Lbfgsb.Result res = new Lbfgsb(x0.length, Lbfgsb.Options.defaults().withMaxIterations(10))
                .minimize(fun, x0, bounds(p.get("lower"), Double.NEGATIVE_INFINITY), bounds(p.get("upper"), Double.POSITIVE_INFINITY), (it, ev, f, x) -> {
                    xs.add(x.clone());
                    fs.add(f);
                });
        JsonNode ex = p.get("x");
        JsonNode ef = p.get("f");
        for (int k = 0; k < Math.min(ex.size(), xs.size()); k++) {
            double[] want = vector(ex.get(k));
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], xs.get(k)[i], TOL, name + ": x[" + i + "] after iteration " + (k + 1));
            }
            assertEquals(ef.get(k).asDouble(), fs.get(k), TOL, name + ": f after iteration " + (k + 1));
        }
        assertEquals(ex.size(), xs.size(), name + ": iterations");
        assertEquals(p.get("nit").asInt(), res.iterations());
        assertEquals(p.get("funcalls").asInt(), res.evaluations(), name + ": evaluations, the first included");
    }
}
