package org.minima.analysis;

import java.util.function.IntConsumer;

/**
 * Progress inside the analyses, for whoever shows it (the CLI's bars, or nothing). Each call begins one
 * measurement and returns its listener, which is closed when the measurement ends. The analyses and
 * {@code reproduce} take these types; the terminal bars that implement them live in {@code cli}.
 */
public interface AnalysisProgress {
    /** One sharpness measurement; {@code task} names the run, ε and space. */
    SharpnessTask sharpness(String task);

    /** One Hessian analysis of at most {@code maxProducts} Hessian-vector products. */
    HessianTask hessian(String task, long maxProducts);

    /** One interpolation of {@code points} values of α; the listener is told how many are done. */
    PointsTask interpolation(String task, int points);

    interface SharpnessTask extends Sharpness.Progress, AutoCloseable {
        @Override void close();
    }

    interface HessianTask extends HessianOperator.Listener, AutoCloseable {
        @Override void close();
    }

    /** Evaluations over a grid (interpolation, landscape): told the number finished so far. */
    interface PointsTask extends IntConsumer, AutoCloseable {
        @Override void close();
    }

    /** Reports nothing. */
    AnalysisProgress NONE = new AnalysisProgress() {
        @Override
        public SharpnessTask sharpness(String task) {
            return () -> {};
        }

        @Override
        public HessianTask hessian(String task, long maxProducts) {
            return new HessianTask() {
                @Override public void update(long products, String status) {}
                @Override public void close() {}
            };
        }

        @Override
        public PointsTask interpolation(String task, int points) {
            return new PointsTask() {
                @Override public void accept(int done) {}
                @Override public void close() {}
            };
        }
    };
}
