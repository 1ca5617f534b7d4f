package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minima.data.DataSet;
import org.minima.io.Architecture;
import org.minima.io.ModelSpec;
import org.minima.io.Tensor;
import org.minima.nn.Network;
import org.minima.nn.Presets;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The spec's layer entries drive every view of a model's tensors: what each {@link ModelSpec.Layer} lists is what
 * {@link Architecture} lays out, {@link ParameterLayout} blocks, and {@link Network} loads, holds and writes.
 */
class ModelLayoutTest {
    /** Every layer kind: conv 2→3 3×3 pad 1, BN, ReLU, maxpool 2, flatten, dropout, linear 12→2. */
    static final ModelSpec MIXED = new ModelSpec(new int[] {2, 4, 4}, 2, null, List.of(
            new ModelSpec.Conv2d(2, 3, 3, 1, 1), new ModelSpec.BatchNorm(3, 1e-5, 0.1), new ModelSpec.Relu(),
            new ModelSpec.MaxPool2d(2, 2, 0), new ModelSpec.Flatten(), new ModelSpec.Dropout(0.5), new ModelSpec.Linear(12, 2)));

    @Test
    void everyViewOfTheTensorsIsWhatTheSpecEntriesList() {
        for (ModelSpec spec : List.of(Presets.build("f1"), Presets.build("c1"), MIXED)) {
            Architecture a = Architecture.of(spec, "test");
            // the spec's entries, in layer order, with offsets by the contract's rule: each trainable tensor (weight,
            // then bias) after the previous one from 0; each running statistic likewise in the buffer vector
            List<String> names = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            List<Long> offsets = new ArrayList<>();
            long p = 0, b = 0;
            List<Architecture.Entry> params = new ArrayList<>(), bufs = new ArrayList<>();
            for (int i = 0; i < spec.layers().size(); i++) {
                for (ModelSpec.TensorShape t : spec.layers().get(i).tensors()) {
                    long size = 1;
                    for (long d : t.shape()) size *= d;
                    names.add("layers." + i + "." + t.suffix());
                    shapes.add(t.shape());
                    offsets.add(t.kind().trainable() ? p : b);
                    if (t.kind().trainable()) p += size;
                    else b += size;
                }
            }
            assertEquals(p, a.parameterCount());
            assertEquals(b, a.bufferCount());
            for (Architecture.Entry e : a.tensors()) (e.trainable() ? params : bufs).add(e);
            List<Architecture.Entry> perLayer = new ArrayList<>(a.tensors());
            perLayer.sort(java.util.Comparator.comparingInt(Architecture.Entry::layer));
            assertEquals(names, perLayer.stream().map(Architecture.Entry::name).toList());
            for (int k = 0; k < names.size(); k++) {
                assertArrayEquals(shapes.get(k), perLayer.get(k).shape(), names.get(k));
                assertEquals(offsets.get(k), perLayer.get(k).offset(), names.get(k));
            }

            // ParameterLayout: the same blocks, a filter per row of a weight
            ParameterLayout layout = ParameterLayout.of(spec);
            assertEquals(a.parameterCount(), layout.parameterCount());
            assertEquals(a.bufferCount(), layout.bufferCount());
            List<ParameterLayout.Block> blocks = new ArrayList<>(layout.parameters());
            blocks.addAll(layout.buffers());
            List<Architecture.Entry> entries = new ArrayList<>(params);
            entries.addAll(bufs);
            assertEquals(entries.size(), blocks.size());
            for (int k = 0; k < blocks.size(); k++) {
                ParameterLayout.Block x = blocks.get(k);
                Architecture.Entry e = entries.get(k);
                assertEquals(e.name(), x.name());
                assertEquals(e.kind(), x.kind());
                assertEquals(e.offset(), x.offset());
                assertArrayEquals(e.shape(), x.shape());
                assertEquals(e.size(), x.size());
                assertEquals(e.kind() == ModelSpec.Kind.FILTERS ? e.shape()[0] : 1, x.rows(), e.name());
            }

            // Network: loads each tensor at its offset, and writes the same names and shapes back, layer by layer
            Map<String, Tensor> t = new LinkedHashMap<>();
            for (Architecture.Entry e : perLayer) {
                double[] v = new double[(int) e.size()];
                for (int i = 0; i < v.length; i++) v[i] = e.trainable() ? e.offset() + i : -(e.offset() + i) - 1;
                t.put(e.name(), new Tensor("F64", e.shape(), v));
            }
            Network net = Network.load(spec, t, DataType.DOUBLE);
            assertEquals(a.parameterCount(), net.parameterCount());
            assertEquals(a.bufferCount(), net.bufferCount());
            INDArray w = net.parameters(), r = net.buffers();
            for (long k = 0; k < w.length(); k += 997) assertEquals(k, w.getDouble(k), 0.0);
            for (long k = 0; k < r.length(); k++) assertEquals(-k - 1, r.getDouble(k), 0.0);
            Map<String, Tensor> back = net.toTensors("F64");
            assertEquals(names, List.copyOf(back.keySet()));
            for (int k = 0; k < names.size(); k++) {
                assertArrayEquals(shapes.get(k), back.get(names.get(k)).shape());
                assertArrayEquals(t.get(names.get(k)).data(), back.get(names.get(k)).data(), 0.0);
            }
        }
    }

    @Test
    void eachLayerOfTheMixedNetReadsTheTensorsItIsGivenByName() {
        // Closed form: conv weight 0, so the conv gives its bias c per channel everywhere; batch norm (running
        // statistics) gives γ(c − μ)/√(σ² + eps) + β; ReLU, max-pool and flatten keep each channel's constant on its 4
        // positions; dropout is the identity; logits z = W·h + b with W [2, 12] row-major; loss log(e^z0 + e^z1) − z1.
        double[] c = {1, -2, 3}, gamma = {2, 1, 1}, beta = {0, 5, 0}, mu = {1, 0, 0}, var = {3, 0.5, 1};
        double[] lw = new double[24], lb = {0.3, -0.2};
        for (int j = 0; j < 12; j++) {
            lw[j] = 0.1 * j;
            lw[12 + j] = -0.05 * j;
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("layers.0.weight", new Tensor("F64", new long[] {3, 2, 3, 3}, new double[54]));
        t.put("layers.0.bias", new Tensor("F64", new long[] {3}, c));
        t.put("layers.1.weight", new Tensor("F64", new long[] {3}, gamma));
        t.put("layers.1.bias", new Tensor("F64", new long[] {3}, beta));
        t.put("layers.1.running_mean", new Tensor("F64", new long[] {3}, mu));
        t.put("layers.1.running_var", new Tensor("F64", new long[] {3}, var));
        t.put("layers.6.weight", new Tensor("F64", new long[] {2, 12}, lw));
        t.put("layers.6.bias", new Tensor("F64", new long[] {2}, lb));
        Network net = Network.load(MIXED, t, DataType.DOUBLE);
        double[] h = new double[12];
        for (int j = 0; j < 12; j++) {
            int ch = j / 4;
            h[j] = Math.max(0, gamma[ch] * (c[ch] - mu[ch]) / Math.sqrt(var[ch] + 1e-5) + beta[ch]);
        }
        double z0 = lb[0], z1 = lb[1];
        for (int j = 0; j < 12; j++) {
            z0 += lw[j] * h[j];
            z1 += lw[12 + j] * h[j];
        }
        float[] x = new float[32];
        for (int i = 0; i < x.length; i++) x[i] = i % 7 - 3;
        DataSet one = new DataSet("one", new int[] {2, 4, 4}, 2, x, new int[] {1});
        assertEquals(Math.log(Math.exp(z0) + Math.exp(z1)) - z1, net.evaluate(one, 1).loss(), 1e-12);
    }
}
