package org.minima.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Directions in parameter space as files: one safetensors file each, F64, with the model's parameter tensor
 * names and shapes (no batch-norm running statistics). {@code landscape} writes {@code direction1.safetensors}
 * (and {@code direction2}); {@code hessian --vectors} writes {@code eigenvector-1.safetensors} (largest eigenvalue),
 * …, {@code eigenvector-bottom-1.safetensors} (smallest), …; {@code landscape --directions} reads either, or any
 * safetensors files in natural name order.
 */
public final class DirectionFiles {
    private DirectionFiles() {}

    /** One direction read back: its file and its tensors (turned into a flat vector by the model's layout). */
    public record Direction(Path file, Map<String, Tensor> tensors) {}

    /** {@code direction<k>.safetensors}, k from 1. */
    public static String directionName(int k) {
        return "direction" + k + ".safetensors";
    }

    /** {@code eigenvector-<k>.safetensors} (top, k from 1, largest first) or {@code eigenvector-bottom-<k>.safetensors}. */
    public static String eigenvectorName(int k, boolean bottom) {
        return (bottom ? "eigenvector-bottom-" : "eigenvector-") + k + ".safetensors";
    }

    /** Writes one direction as F64 safetensors (atomically), with {@code metadata} in its header. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Safetensors.write(file, tensors, "F64", metadata);
    }

    /**
     * The first {@code count} directions of {@code dir}: DIR/direction1.safetensors (and direction2) when present;
     * else DIR/eigenvector-1.safetensors (and -2), the eigenvectors of the largest Hessian eigenvalues; otherwise the
     * first {@code count} .safetensors files of DIR in {@link #NATURAL} order. {@code where} begins the error message.
     */
    public static List<Direction> read(Path dir, int count, String where) {
        List<Direction> out = new ArrayList<>(count);
        for (Path f : files(dir, count, where)) out.add(new Direction(f, Safetensors.read(f)));
        return out;
    }

    /** The files {@link #read} reads, in order. */
    public static List<Path> files(Path dir, int count, String where) {
        if (!Files.isDirectory(dir)) throw new InputException(where + ": not a directory");
        List<Path> files = new ArrayList<>();
        if (Files.exists(dir.resolve(directionName(1)))) {
            for (int k = 1; k <= count; k++) files.add(dir.resolve(directionName(k)));
        } else if (Files.exists(dir.resolve(eigenvectorName(1, false)))) {
            // eigenvector-1 belongs to the largest eigenvalue (eigenvector-bottom-k to the smallest)
            for (int k = 1; k <= count; k++) files.add(dir.resolve(eigenvectorName(k, false)));
        } else {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted(NATURAL).limit(count).forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(where + ": cannot list " + dir, e);
            }
        }
        if (files.size() < count || !files.stream().allMatch(Files::exists)) {
            throw new InputException(where + ": needs " + count + " direction file(s) (direction1.safetensors"
                    + (count == 2 ? ", direction2.safetensors" : "") + "; or eigenvector-1.safetensors" + (count == 2 ? ", eigenvector-2.safetensors" : "")
                    + "; or any .safetensors files), found " + files.stream().filter(Files::exists).toList());
        }
        return files;
    }

    /**
     * An axis label for direction {@code k} read from {@code file}: {@code eigenvector k (λ = 6.90)} when its header
     * records the eigenvalue ({@code hessian --vectors} does), else {@code direction k}. Reads the whole file.
     */
    public static String label(Path file, int k) {
        String value = Safetensors.readContents(file).metadata().get("eigenvalue");
        if (value == null) return "direction " + k;
        try {
            return "eigenvector " + k + " (λ = " + String.format(java.util.Locale.ROOT, "%.4g", Double.parseDouble(value)) + ")";
        } catch (NumberFormatException e) {
            return "direction " + k;
        }
    }

    private static final Pattern DIGITS = Pattern.compile("(\\d+)|(\\D+)");

    /** File names with their digit runs compared as numbers: vector_2 before vector_10. */
    public static final Comparator<Path> NATURAL = (a, b) -> {
        Matcher x = DIGITS.matcher(a.getFileName().toString());
        Matcher y = DIGITS.matcher(b.getFileName().toString());
        while (x.find() && y.find()) {
            int c;
            if (x.group(1) != null && y.group(1) != null) {
                c = new BigInteger(x.group(1)).compareTo(new BigInteger(y.group(1)));
            } else {
                c = x.group().compareTo(y.group());
            }
            if (c != 0) return c;
        }
        return a.getFileName().toString().compareTo(b.getFileName().toString());
    };
}
