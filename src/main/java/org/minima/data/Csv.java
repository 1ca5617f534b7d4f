package org.minima.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.minima.io.InputException;

/**
 * CSV data (docs/data.md): one example a line, features then an integer label {@code >= 0} (or an integer
 * written as a float, {@code 3.000000e+00}, as numpy.savetxt writes it)
 * last, comma-separated, no header. Every line has the same number of fields; blank lines are skipped.
 * Classes is the largest label + 1 unless given. Example shape {@code [d]}.
 */
final class Csv {
    private Csv() {}

    static DataSet read(String spec, Path file, Integer classes, Integer limit) {
        Cifar.FloatBuffer x = new Cifar.FloatBuffer(1 << 12);
        Cifar.IntBuffer y = new Cifar.IntBuffer(1 << 10);
        int fields = -1;
        int firstLine = 0;
        int maxLabel = -1;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = in.readLine()) != null && (limit == null || y.size < limit)) {
                no++;
                if (line.isBlank()) continue;
                String[] parts = line.split(",", -1);
                if (fields < 0) {
                    if (parts.length < 2) throw new InputException(file + ": line " + no + " has " + parts.length + " field, expected features and then a label");
                    fields = parts.length;
                    firstLine = no;
                } else if (parts.length != fields) {
                    throw new InputException(file + ": line " + no + " has " + parts.length + " fields, but line " + firstLine + " has " + fields);
                }
                for (int c = 0; c < fields - 1; c++) {
                    String s = parts[c].strip();
                    float v;
                    try {
                        v = Float.parseFloat(s);
                    } catch (NumberFormatException e) {
                        throw new InputException(file + ": line " + no + ", column " + (c + 1) + ": '" + s + "' is not a number"
                                + (no == firstLine ? " (the file must have no header line)" : ""));
                    }
                    if (!Float.isFinite(v)) throw new InputException(file + ": line " + no + ", column " + (c + 1) + ": '" + s + "' is not a finite number");
                    x.add(v);
                }
                String ls = parts[fields - 1].strip();
                int label = label(ls);
                if (label < 0) {
                    throw new InputException(file + ": line " + no + ", column " + fields + ": label '" + ls + "' is not an integer >= 0");
                }
                if (classes != null && label >= classes) {
                    throw new InputException(file + ": line " + no + ", column " + fields + ": label " + label + ", expected 0.." + (classes - 1));
                }
                maxLabel = Math.max(maxLabel, label);
                y.add(label);
            }
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InputException(file + ": not UTF-8 text, expected a CSV file");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage());
        }
        if (y.size == 0) throw new InputException(file + ": no examples (the file is empty)");
        if (limit != null && y.size < limit) throw new InputException(spec + ": --examples " + limit + ", but the file has only " + y.size + " examples");
        int c = classes != null ? classes : maxLabel + 1;
        return new DataSet(spec, new int[] {fields - 1}, c, x.toArray(), y.toArray());
    }

    /**
     * A label: an integer, or an integer written as a float as numpy.savetxt does ({@code 3.000000e+00},
     * {@code 0.000000}); -1 for anything else (negative, fractional, not a number, past an int).
     */
    static int label(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            // not a plain integer: maybe a float with an integral value
        }
        if (!s.matches("[0-9.eE+-]+")) return -1; // Double.parseDouble would also take NaN, 0x1p3, 3d
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return -1;
        }
        return v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v) ? (int) v : -1;
    }
}
