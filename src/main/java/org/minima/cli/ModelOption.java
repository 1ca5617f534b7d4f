package org.minima.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR} (required), as {@code sharpness} and {@code hessian} take it. */
public final class ModelOption {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory (model.json and weights.safetensors).")
    public Path model;
}
