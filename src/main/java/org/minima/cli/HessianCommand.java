package org.minima.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.minima.analysis.HessianAnalysis;
import org.minima.analysis.Lanczos;
import org.minima.analysis.ModelAndData;
import org.minima.analysis.ParameterLayout;
import org.minima.analysis.SpectralDensity;
import org.minima.analysis.TraceEstimator;
import org.minima.io.AtomicFiles;
import org.minima.io.DirectionFiles;
import org.minima.io.Json;
import org.minima.io.ModelDirectory;
import org.minima.io.Tensor;
import org.minima.nn.Threads;
import org.minima.plot.DensityPlot;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hessian}: extreme eigenvalues, trace and spectral density of the Hessian of a saved model's
 * inference-mode loss on a data set (flags and JSON in docs/cli.md; methods and defaults in docs/hessian.md).
 */
@Command(name = "hessian", mixinStandardHelpOptions = true,
        description = {"The Hessian spectrum of a model's loss on a data set, from exact Hessian-vector products.",
                "Top-K and bottom-K eigenvalues (Lanczos), trace (Hutch++ or Hutchinson) and spectral density (SLQ). "
                + "Prints JSON (see docs/hessian.md)."})
public final class HessianCommand implements Callable<Integer> {
    private static final HessianAnalysis.Options DEFAULTS = HessianAnalysis.Options.defaults();

    @Mixin CommonOptions common;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SharedOptions.Model model;

    @Mixin SharedOptions.Data data;

    @Option(names = "--top", paramLabel = "K", description = "How many of the largest eigenvalues (default: ${DEFAULT-VALUE}).")
    int top = DEFAULTS.top();

    @Option(names = "--bottom", paramLabel = "K", description = "How many of the smallest (most negative) eigenvalues (default: ${DEFAULT-VALUE}).")
    int bottom = DEFAULTS.bottom();

    @Option(names = "--trace", description = "Estimate the trace (Hutch++ by default, see --trace-method).")
    boolean trace;

    @Option(names = "--probes", paramLabel = "N", description = "Hessian-vector products for the trace (default: ${DEFAULT-VALUE}).")
    int probes = DEFAULTS.probes();

    @Option(names = "--density", description = "Estimate the spectral density (stochastic Lanczos quadrature).")
    boolean density;

    @Option(names = "--plot", paramLabel = "PNG", description = "Draw the spectral density into PNG and an SVG beside it (log scale, top eigenvalues marked); implies --density.")
    Path plot;

    @Option(names = "--vectors", paramLabel = "DIR", description = "Write the eigenvectors as safetensors with the model's tensor names: DIR/eigenvector-K.safetensors for the K-th largest eigenvalue, DIR/eigenvector-bottom-K.safetensors for the K-th smallest.")
    Path vectors;

    @Mixin SharedOptions.Examples examples;

    @Mixin SharedOptions.Seed seed = new SharedOptions.Seed(DEFAULTS.seed());

    @Mixin SharedOptions.JsonFile json;

    @Option(names = "--tol", paramLabel = "X", defaultValue = "1e-4", description = "Lanczos stops when every wanted eigenpair has ‖Hv − λv‖ ≤ X·|λ_max| (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--max-steps", paramLabel = "N", description = "At most N Lanczos steps (default: ${DEFAULT-VALUE}).")
    int maxSteps = DEFAULTS.maxSteps();

    @Option(names = "--block", paramLabel = "P", description = "Lanczos block size; P finds eigenvalues of multiplicity up to P (default: ${DEFAULT-VALUE}).")
    int block = DEFAULTS.block();

    @Option(names = "--trace-method", paramLabel = "M", defaultValue = "hutchpp", description = "hutchpp (Hutch++) or hutchinson (default: ${DEFAULT-VALUE}).")
    String traceMethod;

    @Option(names = "--density-runs", paramLabel = "N", description = "SLQ runs averaged (default: ${DEFAULT-VALUE}).")
    int densityRuns = DEFAULTS.densityRuns();

    @Option(names = "--density-steps", paramLabel = "N", description = "Lanczos steps per SLQ run (default: ${DEFAULT-VALUE}).")
    int densitySteps = DEFAULTS.densitySteps();

    @Option(names = "--dtype", paramLabel = "T", defaultValue = "float64", description = "float64 or float32 arithmetic (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Mixin SharedOptions.Chunk chunk = new SharedOptions.Chunk(DEFAULTS.chunk());

    @Mixin SharedOptions.BatchNorm bn;

    @Override
    public Integer call() {
        validate();
        HessianAnalysis.Options options = options();
        // the output paths are checked before minutes of work, not after
        json.requireWritable();
        if (plot != null) AtomicFiles.requireWritable(plot, "--plot");
        if (vectors != null) AtomicFiles.requireWritableFolder(vectors, "--vectors");
        Threads.configure(common.threads);
        long started = System.nanoTime();
        ModelAndData m = ModelAndData.load(model.dir, data.spec, examples.n, SharedOptions.dataType(dtype));
        HessianAnalysis.Measurement result;
        try (CountProgress progress = CountProgress.hessian("hessian", options.maxProducts(), common.quiet)) {
            result = HessianAnalysis.run(m.net(), m.data(), options, progress);
        }
        Lanczos.Result s = result.result().spectrum();
        if (s != null && s.restarts() > 0 && !common.quiet) {
            System.err.println("hessian: the Lanczos basis did not fit in memory for " + maxSteps + " steps; it was capped at "
                    + s.basisCapacity() + " vectors and thick-restarted " + s.restarts() + " times (give Java more memory to avoid it)");
        }
        if (s != null && !s.converged() && !common.quiet) {
            System.err.println("hessian: Lanczos stopped after --max-steps " + maxSteps + " before every residual was below --tol "
                    + tol + "; the residuals say how accurate each eigenvalue is");
        }
        SpectralDensity.Density d = result.result().density();
        if (d != null && plot != null) {
            try {
                DensityPlot.write(plot, "Hessian spectral density: " + model.dir.getFileName() + " on " + data.spec + ", " + m.data().size() + " examples",
                        d.grid(), d.values(), s == null ? null : s.eigenvalues());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + plot + ": " + e.getMessage(), e);
            }
        }
        if (vectors != null) writeVectors(m.loaded(), s);
        json.print(result.toJson(model.dir.toString(), (System.nanoTime() - started) / 1e9));
        return Main.EXIT_OK;
    }

    /** The flags as the analysis' options; no flag given means {@link HessianAnalysis.Options#defaults()}. */
    HessianAnalysis.Options options() {
        return HessianAnalysis.Options.defaults().withTop(top).withBottom(bottom).withTolerance(tol)
                .withMaxSteps(maxSteps).withBlock(block).withVectors(vectors != null)
                .withTrace(!trace ? null : "hutchinson".equals(traceMethod) ? TraceEstimator.Method.HUTCHINSON : TraceEstimator.Method.HUTCH_PLUS_PLUS)
                .withProbes(probes).withDensity(density || plot != null).withDensityRuns(densityRuns).withDensitySteps(densitySteps)
                .withSeed(seed.value).withChunk(chunk.n()).withBatchNorm(bn.value());
    }

    private void validate() {
        if (top < 0) throw bad("--top " + top + ", expected a number >= 0");
        if (bottom < 0) throw bad("--bottom " + bottom + ", expected a number >= 0");
        if (top + bottom == 0 && !trace && !density && plot == null) throw bad("nothing to compute: --top and --bottom are 0 and neither --trace nor --density is given");
        if (vectors != null && top + bottom == 0) throw bad("--vectors needs --top or --bottom > 0");
        if (probes < 4 && trace) throw bad("--probes " + probes + ", expected a number >= 4");
        if (!(tol > 0)) throw bad("--tol " + tol + ", expected a number > 0");
        if (maxSteps < 1) throw bad("--max-steps " + maxSteps + ", expected a number >= 1");
        if (block < 1) throw bad("--block " + block + ", expected a number >= 1");
        if (!List.of("hutchpp", "hutchinson").contains(traceMethod)) throw bad("--trace-method " + traceMethod + ", expected hutchpp or hutchinson");
        if (densityRuns < 1) throw bad("--density-runs " + densityRuns + ", expected a number >= 1");
        if (densitySteps < 2) throw bad("--density-steps " + densitySteps + ", expected a number >= 2");
        if (!List.of("float64", "float32").contains(dtype)) throw bad("--dtype " + dtype + ", expected float64 or float32");
        if (plot != null && !plot.getFileName().toString().toLowerCase().endsWith(".png")) throw bad("--plot " + plot + ", expected a file name ending in .png");
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * DIR/eigenvector-i.safetensors (top, largest first) and DIR/eigenvector-bottom-i.safetensors (smallest
     * first), F64; in natural name order the top ones come first, which is what {@code landscape --directions}
     * takes. Each is the unit eigenvector as the model's
     * parameter tensors (names and shapes of weights.safetensors, without the batch-norm running
     * statistics, which are not parameters), and DIR/eigenvectors.json listing them.
     */
    private void writeVectors(ModelDirectory.Loaded loaded, Lanczos.Result s) {
        ParameterLayout layout = ParameterLayout.of(loaded.architecture());
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (int pass = 0; pass < 2; pass++) {
            List<INDArray> vs = pass == 0 ? s.vectors() : s.bottomVectors();
            for (int i = 0; i < vs.size(); i++) {
                String name = DirectionFiles.eigenvectorName(i + 1, pass == 1);
                // the parameters only (running statistics are not parameters)
                Map<String, Tensor> tensors = layout.toTensors(vs.get(i).castTo(DataType.DOUBLE).toDoubleVector(), "F64");
                double value = pass == 0 ? s.eigenvalues()[i] : s.bottomEigenvalues()[i];
                double residual = pass == 0 ? s.residuals()[i] : s.bottomResiduals()[i];
                DirectionFiles.write(vectors.resolve(name), tensors,
                        Map.of("eigenvalue", Double.toString(value), "residual", Double.toString(residual), "model", model.dir.toString()));
                ObjectNode entry = list.addObject();
                entry.put("file", name);
                entry.put("eigenvalue", value);
                entry.put("residual", residual);
            }
        }
        Json.write(vectors.resolve("eigenvectors.json"), list);
    }
}
