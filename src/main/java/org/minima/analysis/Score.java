package org.minima.analysis;

/** Mean cross-entropy loss (natural log) and accuracy (fraction in [0, 1]) of a model on one data set. */
public record Score(double loss, double accuracy) {}
