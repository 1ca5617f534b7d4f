package org.minima.analysis;

import org.minima.nn.Evaluation;

/** Mean cross-entropy loss (natural log) and accuracy (fraction in [0, 1]) of a model on one data set. */
public record Score(double loss, double accuracy) {
    public static Score of(Evaluation e) {
        return new Score(e.loss(), e.accuracy());
    }
}
