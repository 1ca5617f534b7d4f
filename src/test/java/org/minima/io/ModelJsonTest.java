package org.minima.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelJsonTest {
    /** docs/cli.md's model.json example, verbatim. */
    static final String CONTRACT_EXAMPLE = """
            {
              "format": "minima-model", "version": 1,
              "input": [784],
              "classes": 10,
              "preprocess": {"scale": 0.00392156862745098, "mean": [0.0], "std": [1.0]},
              "layers": [
                {"type": "linear", "in": 784, "out": 512},
                {"type": "batchnorm", "features": 512},
                {"type": "relu"},
                {"type": "linear", "in": 512, "out": 10}
              ]
            }
            """;

    static final String CNN = """
            {"format": "minima-model", "version": 1, "input": [1, 28, 28], "classes": 10,
             "layers": [
               {"type": "conv2d", "in": 1, "out": 8, "kernel": 5, "padding": 2},
               {"type": "relu"},
               {"type": "maxpool2d", "kernel": 2},
               {"type": "conv2d", "in": 8, "out": 4, "kernel": 3, "stride": 2},
               {"type": "batchnorm", "features": 4},
               {"type": "dropout"},
               {"type": "flatten"},
               {"type": "linear", "in": 144, "out": 10}
             ]}
            """;

    @Test
    void theContractExampleParsesToItsLayers() {
        ModelSpec s = ModelJson.parse(CONTRACT_EXAMPLE, "model.json");
        assertArrayEquals(new int[] {784}, s.input());
        assertEquals(10, s.classes());
        assertEquals(1.0 / 255, s.preprocess().scale(), 0.0);
        assertEquals(List.of(new ModelSpec.Linear(784, 512), new ModelSpec.BatchNorm(512, 1e-5, 0.1), new ModelSpec.Relu(),
                new ModelSpec.Linear(512, 10)), s.layers());
    }

    @Test
    void leftOutKeysTakePyTorchDefaults() {
        ModelSpec s = ModelJson.parse(CNN, "m");
        assertEquals(new ModelSpec.Conv2d(1, 8, 5, 1, 2), s.layers().get(0));
        assertEquals(new ModelSpec.MaxPool2d(2, 2, 0), s.layers().get(2));
        assertEquals(new ModelSpec.Conv2d(8, 4, 3, 2, 0), s.layers().get(3));
        assertEquals(new ModelSpec.BatchNorm(4, 1e-5, 0.1), s.layers().get(4));
        assertEquals(new ModelSpec.Dropout(0.5), s.layers().get(5));
        assertEquals(1.0, s.preprocess().scale(), 0.0);
    }

    @Test
    void outputShapesAndParameterCountsFollowPyTorchFormulas() {
        // By hand: conv 1→8 k5 p2 on 28×28 keeps 28×28 (28+4−5+1), 8·1·25+8 = 208 parameters; pool 2 → 14×14;
        // conv 8→4 k3 s2: floor((14−3)/2)+1 = 6, 4·8·9+4 = 292; batch norm 2·4 = 8; flatten 4·6·6 = 144;
        // linear 144·10+10 = 1450. Total 1958.
        Architecture a = Architecture.of(ModelJson.parse(CNN, "m"), "m");
        int[][] shapes = {{8, 28, 28}, {8, 28, 28}, {8, 14, 14}, {4, 6, 6}, {4, 6, 6}, {4, 6, 6}, {144}, {10}};
        long[] params = {208, 0, 0, 292, 8, 0, 0, 1450};
        for (int i = 0; i < shapes.length; i++) {
            assertArrayEquals(shapes[i], a.steps().get(i).outputShape(), "layer " + i);
            assertEquals(params[i], a.steps().get(i).parameters(), "layer " + i);
        }
        assertEquals(1958, a.parameterCount());
        assertEquals(8, a.bufferCount());
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias", "layers.4.weight",
                "layers.4.bias", "layers.7.weight", "layers.7.bias"), List.copyOf(a.parameterTensors().keySet()));
        assertArrayEquals(new long[] {4, 8, 3, 3}, a.parameterTensors().get("layers.3.weight"));
        assertArrayEquals(new long[] {10, 144}, a.parameterTensors().get("layers.7.weight"));
    }

    @Test
    void theContractExampleHas408074Parameters() {
        // 784·512+512 + 2·512 + 512·10+10 = 401920 + 1024 + 5130
        assertEquals(408074, Architecture.of(ModelJson.parse(CONTRACT_EXAMPLE, "m"), "m").parameterCount());
    }

    @Test
    void writingThenParsingKeepsEveryValue() {
        ModelSpec s = ModelJson.parse(CNN, "m");
        String text = ModelJson.toText(s);
        ModelSpec back = ModelJson.parse(text, "again");
        assertEquals(s.layers(), back.layers());
        assertArrayEquals(s.input(), back.input());
        assertTrue(text.contains("\"format\" : \"minima-model\""), text);
        assertTrue(text.contains("\"stride\" : 1"), "defaults are written out: " + text);
        ModelSpec c = ModelJson.parse(CONTRACT_EXAMPLE, "m");
        assertEquals(0.00392156862745098, ModelJson.parse(ModelJson.toText(c), "m").preprocess().scale(), 0.0, "full precision");
    }

    @Test
    void aBodyWithoutFormatAndVersionIsAcceptedOnlyAsAConfigBody() {
        String body = "{\"input\": [4], \"classes\": 3, \"layers\": [{\"type\": \"linear\", \"in\": 4, \"out\": 3}]}";
        assertEquals(1, ModelJson.parseBody(Json.parse(body, "cfg"), "cfg").layers().size());
        assertTrue(error(body).contains("m: key \"format\" is missing, expected \"minima-model\""));
    }

    private static String error(String json) {
        InputException e = assertThrows(InputException.class, () -> ModelJson.parse(json, "m"));
        assertFalse(e.getMessage().contains("\n"));
        return e.getMessage();
    }

    private static String withLayers(String input, int classes, String layers) {
        return "{\"format\": \"minima-model\", \"version\": 1, \"input\": " + input + ", \"classes\": " + classes + ", \"layers\": [" + layers + "]}";
    }

    @Test
    void badModelJsonIsRejectedNamingTheLayerAndKey() {
        String lin = "{\"type\": \"linear\", \"in\": 4, \"out\": 3}";
        assertEquals("m: layers[1]: unknown type \"softmax\", expected one of linear, conv2d, maxpool2d, batchnorm, relu, dropout, flatten",
                error(withLayers("[4]", 3, lin + ", {\"type\": \"softmax\"}")));
        assertEquals("m: layers[0] (linear): key \"out\" is missing, expected an integer >= 1",
                error(withLayers("[4]", 3, "{\"type\": \"linear\", \"in\": 4}")));
        assertEquals("m: layers[0] (linear): out is -3, expected an integer >= 1",
                error(withLayers("[4]", 3, "{\"type\": \"linear\", \"in\": 4, \"out\": -3}")));
        assertEquals("m: layers[0] (linear): out is 2.5, expected an integer >= 1",
                error(withLayers("[4]", 3, "{\"type\": \"linear\", \"in\": 4, \"out\": 2.5}")));
        assertTrue(error(withLayers("[4]", 3, "{\"type\": \"linear\", \"in\": 4, \"out\": 3, \"bias\": false}"))
                .startsWith("m: layers[0] (linear): unknown key \"bias\", expected one of in, out, type"));
        assertEquals("m: layers[1] (dropout): p is 1.5, expected a probability in [0, 1)",
                error(withLayers("[4]", 3, lin + ", {\"type\": \"dropout\", \"p\": 1.5}")));
        assertEquals("m: version is 2, expected 1 (this minima reads version 1)",
                error(CONTRACT_EXAMPLE.replace("\"version\": 1", "\"version\": 2")));
        assertTrue(error(CONTRACT_EXAMPLE.replace("\"classes\": 10,", "\"classes\": 10, \"extra\": 1,")).contains("unknown key \"extra\""));
        assertTrue(error("{\"format\": ").startsWith("m: not valid JSON at line 1"));
        assertTrue(error(CONTRACT_EXAMPLE + " {}").startsWith("m: not valid JSON"), "trailing content");
        assertTrue(error(CONTRACT_EXAMPLE.replace("\"classes\": 10,", "\"classes\": 10, \"classes\": 3,")).contains("Duplicate field 'classes'"));
    }

    @Test
    void shapesThatDoNotChainAreRejectedWithWhatEachSideHas() {
        assertEquals("m: layers[1] (linear) has in 5, but gets 3 features from layers[0]",
                error(withLayers("[4]", 2, "{\"type\": \"linear\", \"in\": 4, \"out\": 3}, {\"type\": \"linear\", \"in\": 5, \"out\": 2}")));
        assertEquals("m: layers[0] (conv2d) has in 3, but gets 1 channels from the input",
                error(withLayers("[1, 8, 8]", 2, "{\"type\": \"conv2d\", \"in\": 3, \"out\": 2, \"kernel\": 3}")));
        assertTrue(error(withLayers("[1, 2, 2]", 4, "{\"type\": \"linear\", \"in\": 4, \"out\": 4}"))
                .contains("linear needs flat input; put {\"type\": \"flatten\"} before it"));
        assertEquals("m: layers[0] (conv2d): kernel 5 does not fit the incoming height 4 with padding 0",
                error(withLayers("[1, 4, 4]", 2, "{\"type\": \"conv2d\", \"in\": 1, \"out\": 2, \"kernel\": 5}")));
        assertEquals("m: layers[1] (batchnorm) has features 4, but gets 3 features from layers[0]",
                error(withLayers("[4]", 3, "{\"type\": \"linear\", \"in\": 4, \"out\": 3}, {\"type\": \"batchnorm\", \"features\": 4}")));
        assertEquals("m: the last layer gives [3], but classes is 10; expected the network to end with [10]",
                error(withLayers("[4]", 10, "{\"type\": \"linear\", \"in\": 4, \"out\": 3}")));
        assertEquals("m: preprocess.mean has 2 values, expected 1 or 3 (one per input channel)",
                error("{\"format\": \"minima-model\", \"version\": 1, \"input\": [3, 4, 4], \"classes\": 48, \"preprocess\": {\"mean\": [1, 2]},"
                        + " \"layers\": [{\"type\": \"flatten\"}]}"));
    }

    @Test
    void sizesPastAnIntAreRefusedNamingTheLayerInsteadOfWrapping() {
        // 2·65536·32769 = 4295098368 = 2^32 + 131072: an int cast would have made the flatten give 131072 features
        assertEquals("m: layers[0] (flatten) gets [2, 65536, 32769], 4295098368 values per example; minima holds at most 2147483647",
                error(withLayers("[2, 65536, 32769]", 2, "{\"type\": \"flatten\"}, {\"type\": \"linear\", \"in\": 131072, \"out\": 2}")));
        // 46341² + 46341 = 2147534622 parameters > 2^31 − 1
        assertEquals("m: layers[0] (linear) brings the model past 2147483647 values in one flat vector (the most minima holds)",
                error(withLayers("[46341]", 2, "{\"type\": \"linear\", \"in\": 46341, \"out\": 46341}, {\"type\": \"linear\", \"in\": 46341, \"out\": 2}")));
        // a 2·2·(2^31 − 1)² weight passes 2^63; the padding makes the kernel fit, the output is [2, 3, 3]
        assertEquals("m: layers[0] (conv2d) has a tensor or shape [2, 2, 2147483647, 2147483647] with more than 2^63 values",
                error(withLayers("[2, 1, 1]", 2, "{\"type\": \"conv2d\", \"in\": 2, \"out\": 2, \"kernel\": 2147483647, \"padding\": 1073741824},"
                        + " {\"type\": \"flatten\"}, {\"type\": \"linear\", \"in\": 18, \"out\": 2}")));
    }
}
