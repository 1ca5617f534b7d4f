package org.minima.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.minima.io.InputException;

/**
 * Keskar et al.'s (ICLR 2017) numbers for the remedies for large batches, as typed into the fixture
 * {@code keskar2017-remedies.csv} beside this class (its header says what each column holds). The fixture ships
 * with no rows: the paper's remedy tables could not be read from the primary source when it was written, and no
 * value is typed from memory. {@link RemediesComparison} shows whatever rows it holds and says so when it holds none.
 */
public final class PaperRemedies {
    /** The fixture's name, as the report cites it. */
    public static final String FIXTURE = "keskar2017-remedies.csv";
    static final String HEADER = "network,role,quantity,mean,std,source";
    private static final Pattern QUANTITY = Pattern.compile("testAccuracy|sharpness@[0-9]e-[0-9]+");

    /**
     * One value of the paper: {@code quantity} is {@code testAccuracy} (percent) or {@code sharpness@EPS} (Metric
     * 2.1, full space); {@code std} is NaN where the paper prints none; {@code source} is where in the paper.
     */
    public record Value(String network, String role, String quantity, double mean, double std, String source) {}

    private PaperRemedies() {}

    /** The shipped fixture's rows (none as shipped). */
    public static List<Value> load() {
        try (InputStream in = PaperRemedies.class.getResourceAsStream(FIXTURE)) {
            if (in == null) throw new IllegalStateException(FIXTURE + " is missing from the jar");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), FIXTURE);
        } catch (IOException e) {
            throw new IllegalStateException(FIXTURE + ": " + e.getMessage(), e);
        }
    }

    /** Rows of a fixture's text ({@code where} names it in errors): '#' comments, the header, then one value a line. */
    static List<Value> parse(String text, String where) {
        List<Value> out = new ArrayList<>();
        boolean header = false;
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String at = where + " line " + (i + 1);
            if (!header) {
                if (!line.equals(HEADER)) throw new InputException(at + ": expected the header '" + HEADER + "', got '" + line + "'");
                header = true;
                continue;
            }
            String[] c = line.split(",", -1);
            if (c.length != 6) throw new InputException(at + ": expected 6 comma-separated fields (" + HEADER + "), got " + c.length);
            String net = c[0].strip(), role = c[1].strip(), quantity = c[2].strip(), source = c[5].strip();
            if (!PaperNumbers.NETWORKS.contains(net)) throw new InputException(at + ": network '" + net + "': expected one of " + PaperNumbers.NETWORKS);
            if (role.isEmpty()) throw new InputException(at + ": role is empty");
            if (!QUANTITY.matcher(quantity).matches())
                throw new InputException(at + ": quantity '" + quantity + "': expected testAccuracy or sharpness@EPS (sharpness@1e-3)");
            if (source.isEmpty()) throw new InputException(at + ": source is empty: say where in the paper the value is printed");
            double mean = number(c[3], at + ": mean");
            double std = c[4].isBlank() ? Double.NaN : number(c[4], at + ": std");
            out.add(new Value(net, role, quantity, mean, std, source));
        }
        if (!header) throw new InputException(where + ": no header line '" + HEADER + "'");
        return List.copyOf(out);
    }

    private static double number(String s, String at) {
        try {
            double v = Double.parseDouble(s.strip());
            if (Double.isFinite(v)) return v;
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new InputException(at + ": expected a number, got '" + s.strip() + "'");
    }
}
