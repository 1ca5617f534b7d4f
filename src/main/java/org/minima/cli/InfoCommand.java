package org.minima.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.Architecture;
import org.minima.io.ModelDirectory;
import org.minima.io.ModelSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code info --model DIR} and {@code info --data SPEC}: what a model or a data set holds. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Describe a model (architecture, parameter counts) or a data set.",
            "A data set is described by its examples, shape, classes and label histogram."})
public final class InfoCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "A model directory (model.json and weights.safetensors).")
    Path model;

    @Option(names = "--data", paramLabel = "SPEC", description = "A data set: fashion-mnist[:train|:test], mnist:DIR[:split], cifar10:DIR[:split], cifar100:DIR[:split] or FILE.csv.")
    String data;

    @Mixin SharedOptions.Examples examples;

    @Override
    public Integer call() {
        if (model == null && data == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "info needs --model DIR or --data SPEC");
        }
        if (examples.n != null && data == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--examples goes with --data");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (model != null) printModel(out, ModelDirectory.read(model));
        if (model != null && data != null) out.println();
        if (data != null) printData(out, DataSets.load(data, examples.n));
        out.flush();
        return Main.EXIT_OK;
    }

    private void printModel(PrintWriter out, ModelDirectory.Loaded m) {
        ModelSpec s = m.spec();
        Architecture a = m.architecture();
        out.println("model:      " + model);
        out.println("weights:    " + m.dtype());
        out.println("input:      " + Arrays.toString(s.input()));
        out.println("classes:    " + s.classes());
        ModelSpec.Preprocess p = s.preprocess();
        out.println("preprocess: x*" + p.scale() + " - mean " + Arrays.toString(p.mean()) + ", / std " + Arrays.toString(p.std()));
        out.printf("%4s  %-40s %-16s %12s%n", "#", "layer", "output", "parameters");
        for (Architecture.Step st : a.steps()) {
            out.printf("%4d  %-40s %-16s %,12d%n", st.index(), st.layer().describe(), Arrays.toString(st.outputShape()), st.parameters());
        }
        out.printf("total parameters: %,d%n", a.parameterCount());
        if (a.bufferCount() > 0) out.printf("batch-norm running statistics (not parameters): %,d%n", a.bufferCount());
    }

    private static void printData(PrintWriter out, DataSet d) {
        out.println("data:     " + d.spec());
        out.println("examples: " + d.size());
        int[] sh = d.exampleShape();
        out.println("shape:    " + Arrays.toString(sh) + (sh.length == 3 ? " (" + sh[0] + " channel" + (sh[0] == 1 ? "" : "s") + " of " + sh[1] + "×" + sh[2] + ")" : ""));
        out.println("classes:  " + d.classes());
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : d.rawFeatures()) {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        out.println("values:   " + min + " .. " + max);
        long[] h = d.labelHistogram();
        out.println("labels:");
        for (int c = 0; c < h.length; c++) {
            out.printf("%6d %8d  %5.2f%%%n", c, h[c], 100.0 * h[c] / d.size());
        }
    }
}
