package org.minima.analysis;

import java.nio.file.Path;
import java.util.Arrays;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.InputException;
import org.minima.io.ModelDirectory;
import org.minima.io.ModelSpec;
import org.minima.nn.Network;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A model directory and a data set loaded together and checked to fit (the examples' features are the model's
 * input, the labels below its classes): what every analysis command and {@code reproduce} start from.
 *
 * @param model  the model directory, as given
 * @param loaded its model.json and tensors
 * @param net    the network, in the arithmetic type asked for
 * @param data   the data set
 */
public record ModelAndData(Path model, ModelDirectory.Loaded loaded, Network net, DataSet data) {

    /** Reads {@code model}, loads the first {@code examples} of {@code spec} (all when null) and checks that they fit. */
    public static ModelAndData load(Path model, String spec, Integer examples, DataType dtype) {
        ModelDirectory.Loaded loaded = ModelDirectory.read(model);
        DataSet data = DataSets.load(spec, examples);
        requireFits(loaded.spec(), data, model);
        return new ModelAndData(model, loaded, Network.load(loaded, dtype), data);
    }

    /** An InputException naming both when {@code data}'s examples do not fit the model of {@code dir}. */
    public static void requireFits(ModelSpec spec, DataSet data, Path dir) {
        if (data.features() != spec.inputSize()) {
            throw new InputException(data.spec() + ": examples have " + data.features() + " features, but " + dir
                    + "/model.json expects input " + Arrays.toString(spec.input()));
        }
        data.requireLabelsBelow(spec.classes(), dir + "/model.json");
    }

    /**
     * An InputException unless the models of {@code from} and {@code to} have one architecture and see the same
     * inputs (layers, input shape, classes, preprocessing): what interpolating between them needs.
     */
    public static void requireSameArchitecture(ModelSpec x, Path from, ModelSpec y, Path to) {
        if (!x.layers().equals(y.layers()) || !Arrays.equals(x.input(), y.input()) || x.classes() != y.classes()) {
            throw new InputException(to + "/model.json: the architecture differs from " + from
                    + "/model.json; interpolation needs two models of the same architecture");
        }
        ModelSpec.Preprocess px = x.preprocess();
        ModelSpec.Preprocess py = y.preprocess();
        if (px.scale() != py.scale() || !Arrays.equals(px.mean(), py.mean()) || !Arrays.equals(px.std(), py.std())) {
            throw new InputException(to + "/model.json: preprocess differs from " + from + "/model.json; the two models must see the same inputs");
        }
    }
}
