package org.minima.nn;

/** One training step's batch: its mean loss and how many of its examples were classified right. */
public record BatchResult(double loss, int correct) {}
