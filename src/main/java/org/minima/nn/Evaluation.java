package org.minima.nn;

/** Inference-mode result over a data set: mean loss, accuracy as a fraction in [0, 1], number of examples. */
public record Evaluation(double loss, double accuracy, long examples) {}
