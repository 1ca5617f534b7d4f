package org.minima.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.minima.io.InputException;

/**
 * Loads a data set from a SPEC (docs/data.md):
 * <pre>
 *   fashion-mnist[:train|:test]     the Debian package dataset-fashion-mnist (MINIMA_DATA_DIR overrides the folder)
 *   mnist:DIR[:train|:test]         IDX files in DIR, raw or .gz
 *   cifar10:DIR[:train|:test]       data_batch_1..5.bin / test_batch.bin
 *   cifar100:DIR[:train|:test]      train.bin / test.bin, fine labels
 *   FILE.csv                        features, then an integer label, one example a line
 *   npz:FILE                        numpy.savez(FILE, x=[N, ...], y=[N] integers)
 *   npy:X.npy,Y.npy                 the same two arrays as numpy.save files
 * </pre>
 * The split defaults to train. Values are raw (pixels 0–255); the model's preprocess maps them.
 */
public final class DataSets {
    /** Where {@code dataset-fashion-mnist} puts its files. */
    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    static final String SPECS = "fashion-mnist[:train|:test], mnist:DIR[:train|:test], cifar10:DIR[:train|:test], "
            + "cifar100:DIR[:train|:test], FILE.csv, npz:FILE or npy:X.npy,Y.npy";

    private DataSets() {}

    public static DataSet load(String spec) {
        return load(spec, null);
    }

    /** The first {@code examples} examples of {@code spec} (all when null). */
    public static DataSet load(String spec, Integer examples) {
        if (spec == null || spec.isBlank()) throw new InputException("empty data SPEC, expected " + SPECS);
        if (examples != null && examples <= 0) throw new InputException("--examples " + examples + ", expected a number > 0");
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.equals("fashion-mnist") || lower.startsWith("fashion-mnist:")) {
            String env = System.getenv("MINIMA_DATA_DIR");
            boolean fromEnv = env != null && !env.isBlank();
            Path dir = fromEnv ? Path.of(env) : FASHION_MNIST_DIR;
            String split = spec.length() == "fashion-mnist".length() ? "train" : spec.substring("fashion-mnist:".length());
            return fashionMnist(spec, dir, isTrain(spec, split), examples, fromEnv);
        }
        if (lower.startsWith("mnist:")) {
            String[] dirSplit = dirAndSplit(spec, "mnist:");
            return mnist(spec, Path.of(dirSplit[0]), isTrain(spec, dirSplit[1]), examples);
        }
        if (lower.startsWith("cifar10:")) {
            String[] d = dirAndSplit(spec, "cifar10:");
            return Cifar.read10(spec, Path.of(d[0]), isTrain(spec, d[1]), examples);
        }
        if (lower.startsWith("cifar100:")) {
            String[] d = dirAndSplit(spec, "cifar100:");
            return Cifar.read100(spec, Path.of(d[0]), isTrain(spec, d[1]), examples);
        }
        if (lower.startsWith("npz:")) return Npy.readNpz(spec, Path.of(spec.substring("npz:".length())), examples);
        if (lower.startsWith("npy:")) {
            String[] pair = spec.substring("npy:".length()).split(",", -1);
            if (pair.length != 2 || pair[0].isBlank() || pair[1].isBlank()) {
                throw new InputException("data SPEC '" + spec + "', expected npy:X.npy,Y.npy (features, then labels)");
            }
            return Npy.readPair(spec, Path.of(pair[0]), Path.of(pair[1]), examples);
        }
        if (lower.endsWith(".csv")) return Csv.read(spec, Path.of(spec), null, examples);
        throw new InputException("unknown data SPEC '" + spec + "', expected " + SPECS);
    }

    /** A CSV file with a known number of classes (labels must be below it). */
    public static DataSet csv(Path file, int classes, Integer examples) {
        return Csv.read(file.toString(), file, classes, examples);
    }

    /** Fashion-MNIST from {@code dir}; {@code fromEnv} says whether MINIMA_DATA_DIR chose it (for the message). */
    static DataSet fashionMnist(String spec, Path dir, boolean train, Integer examples, boolean fromEnv) {
        String prefix = train ? "train" : "t10k";
        Path images = RawFiles.rawOrGz(dir, prefix + "-images-idx3-ubyte");
        Path labels = RawFiles.rawOrGz(dir, prefix + "-labels-idx1-ubyte");
        if (images == null || labels == null) {
            String missing = dir.resolve(prefix + (images == null ? "-images-idx3-ubyte.gz" : "-labels-idx1-ubyte.gz")).toString();
            throw new InputException(spec + ": " + missing + " not found; "
                    + (fromEnv ? "MINIMA_DATA_DIR points to " + dir + ", which needs the four Fashion-MNIST IDX files"
                            : "install it with 'sudo apt-get install dataset-fashion-mnist' (or set MINIMA_DATA_DIR to a folder with the IDX files)"));
        }
        return Idx.read(spec, images, labels, 10, examples);
    }

    static DataSet mnist(String spec, Path dir, boolean train, Integer examples) {
        if (!Files.isDirectory(dir)) throw new InputException(spec + ": " + dir + " is not a directory");
        String prefix = train ? "train" : "t10k";
        Path images = RawFiles.rawOrGz(dir, prefix + "-images-idx3-ubyte");
        Path labels = RawFiles.rawOrGz(dir, prefix + "-labels-idx1-ubyte");
        if (images == null) throw new InputException(spec + ": no " + prefix + "-images-idx3-ubyte[.gz] in " + dir);
        if (labels == null) throw new InputException(spec + ": no " + prefix + "-labels-idx1-ubyte[.gz] in " + dir);
        return Idx.read(spec, images, labels, 10, examples);
    }

    /** Splits {@code PREFIX DIR[:train|:test]}; DIR may itself contain ':'. */
    private static String[] dirAndSplit(String spec, String prefix) {
        String rest = spec.substring(prefix.length());
        String split = "train";
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            String head = rest.substring(0, colon);
            String tail = rest.substring(colon + 1);
            if (tail.equals("train") || tail.equals("test")) {
                split = tail;
                rest = head;
            } else if (!Files.isDirectory(Path.of(rest)) && !head.isEmpty() && Files.isDirectory(Path.of(head))) {
                isTrain(spec, tail); // DIR:something, where something is not a split: say so
            }
        }
        if (rest.isEmpty()) throw new InputException("data SPEC '" + spec + "' has no folder, expected " + prefix + "DIR[:train|:test]");
        return new String[] {rest, split};
    }

    private static boolean isTrain(String spec, String split) {
        return switch (split) {
            case "train" -> true;
            case "test" -> false;
            default -> throw new InputException("data SPEC '" + spec + "': unknown split '" + split + "', expected train or test");
        };
    }
}
