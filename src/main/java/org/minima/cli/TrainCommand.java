package org.minima.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
import org.minima.nn.Threads;
import org.minima.train.History;
import org.minima.train.TrainConfig;
import org.minima.train.TrainRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train one model from a YAML config (or a run.json), or resume an interrupted run.",
            "Writes DIR/model.json, DIR/weights.safetensors, DIR/history.csv, DIR/run.json and DIR/checkpoint/ (docs/training.md)."})
public final class TrainCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "CONFIG.yaml, or DIR/run.json to repeat a run.")
    Path config;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<config name>, or <run dir>-repeat for a run.json).")
    Path out;

    @Mixin SharedOptions.Seed seed = new SharedOptions.Seed(null);

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides a config key, e.g. --set optimizer.lr=0.01 --set batch.size=0.1.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint.")
    Path resume;

    @Override
    public Integer call() {
        Threads.configure(common.threads);
        TrainRun.Info info = new TrainRun.Info(Version.version(), Version.commit(), Threads.current());
        TrainProgress progress = new TrainProgress(common.quiet);
        TrainRun.Result r;
        try {
            if (resume != null) {
                if (config != null || out != null || seed.value != null || !sets.isEmpty()) {
                    throw new InputException("--resume DIR takes no CONFIG, --out, --seed or --set: the run continues with its recorded config");
                }
                r = TrainRun.resume(resume, info, progress);
            } else {
                if (config == null) throw new InputException("train needs CONFIG.yaml, DIR/run.json, or --resume DIR");
                TrainConfig cfg = TrainConfig.load(config, sets, seed.value);
                Path dir = out != null ? out : defaultOut(config);
                AtomicFiles.requireWritableFolder(dir, "--out"); // before loading the data, not after
                r = TrainRun.start(cfg, dir, info, progress);
            }
        } finally {
            progress.close();
        }
        History.Row last = r.last();
        System.out.printf("%s: %d epochs, %d steps (%s); train loss %.6g, accuracy %.4f%s%n", r.dir(), r.epochs(), r.steps(),
                r.stopReason(), last.trainLoss(), last.trainAccuracy(),
                Double.isNaN(last.testLoss()) ? "" : String.format("; test loss %.6g, accuracy %.4f", last.testLoss(), last.testAccuracy()));
        return 0;
    }

    static Path defaultOut(Path config) {
        String name = config.getFileName().toString();
        if (name.equals(TrainRun.RUN_JSON)) {
            Path dir = config.toAbsolutePath().getParent();
            return dir.resolveSibling(dir.getFileName() + "-repeat");
        }
        int dot = name.lastIndexOf('.');
        return Path.of("runs", dot > 0 ? name.substring(0, dot) : name);
    }
}
