package org.minima.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.IOptionRenderer;
import picocli.CommandLine.Help.IParameterRenderer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * picocli's help, wrapped at spaces only. picocli breaks long text where {@link java.text.BreakIterator} allows a
 * line break, which includes after {@code .} and {@code :} inside a word ({@code weights.} / {@code safetensors},
 * {@code fashion-mnist:} / {@code train}); here each description, option text and command summary is cut into
 * lines at spaces first, so every line picocli lays out already fits its column and no word is split. The layout
 * (columns, indents, sort order, the 80-column width) is picocli's own.
 */
final class HelpLayout extends CommandLine.Help {
    /** The {@link CommandLine.IHelpFactory} that gives every command this help. */
    static final CommandLine.IHelpFactory FACTORY = HelpLayout::new;

    private HelpLayout(CommandSpec spec, ColorScheme scheme) {
        super(spec, scheme);
    }

    @Override
    public Layout createDefaultLayout(List<CommandLine.Model.OptionSpec> options, List<CommandLine.Model.PositionalParamSpec> positionals,
            ColorScheme scheme) {
        Layout layout = super.createDefaultLayout(options, positionals, scheme);
        TextTable table = layout.textTable();
        int width = table.columns()[table.columns().length - 1].width;
        return new Layout(scheme, table, wrapped(createDefaultOptionRenderer(), width), wrapped(createDefaultParameterRenderer(), width));
    }

    @Override
    public String description(Object... params) {
        StringBuilder out = new StringBuilder();
        for (String paragraph : commandSpec().usageMessage().description()) {
            for (String line : wrap(paragraph, width(), "")) out.append(line).append(System.lineSeparator());
        }
        return out.toString();
    }

    @Override
    public String commandList(Map<String, CommandLine.Help> subcommands) {
        if (subcommands.isEmpty()) return "";
        int name = 0;
        for (Map.Entry<String, CommandLine.Help> e : subcommands.entrySet()) {
            if (!e.getValue().commandSpec().usageMessage().hidden()) name = Math.max(name, e.getKey().length());
        }
        StringBuilder out = new StringBuilder();
        String pad = " ".repeat(2 + name + 2);
        for (Map.Entry<String, CommandLine.Help> e : subcommands.entrySet()) {
            CommandSpec spec = e.getValue().commandSpec();
            if (spec.usageMessage().hidden()) continue;
            String[] d = spec.usageMessage().description();
            List<String> lines = wrap(d.length > 0 ? d[0] : "", width() - pad.length(), "  ");
            out.append("  ").append(e.getKey()).append(" ".repeat(name - e.getKey().length() + 2));
            for (int i = 0; i < lines.size(); i++) out.append(i == 0 ? "" : pad).append(lines.get(i)).append(System.lineSeparator());
            if (lines.isEmpty()) out.append(System.lineSeparator());
        }
        return out.toString();
    }

    private int width() {
        return commandSpec().usageMessage().width();
    }

    /** Rows whose last cell (the description) is cut at spaces into lines of at most {@code width - 1} characters. */
    private static IOptionRenderer wrapped(IOptionRenderer r, int width) {
        return (option, labels, scheme) -> split(r.render(option, labels, scheme), width, scheme);
    }

    private static IParameterRenderer wrapped(IParameterRenderer r, int width) {
        return (param, labels, scheme) -> split(r.render(param, labels, scheme), width, scheme);
    }

    private static Text[][] split(Text[][] rows, int width, ColorScheme scheme) {
        List<Text[]> out = new ArrayList<>();
        for (Text[] row : rows) {
            int last = row.length - 1;
            // picocli indents a wrapped line by 2 in this column: the same for the lines cut here
            List<String> lines = wrap(row[last].plainString(), width - 1, "  ");
            for (int i = 0; i < Math.max(1, lines.size()); i++) {
                Text[] r = i == 0 ? row.clone() : new Text[row.length];
                if (i > 0) for (int c = 0; c < last; c++) r[c] = scheme.text("");
                r[last] = scheme.text(lines.isEmpty() ? "" : lines.get(i));
                out.add(r);
            }
        }
        return out.toArray(new Text[0][]);
    }

    /**
     * {@code text} cut at spaces into lines of at most {@code width} characters, each line after the first
     * starting with {@code indent}; a single word longer than a line stands alone on its line.
     */
    static List<String> wrap(String text, int width, String indent) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split(" +")) {
            if (word.isEmpty()) continue;
            String prefix = lines.isEmpty() ? "" : indent;
            if (line.length() == 0) {
                line.append(prefix).append(word);
            } else if (line.length() + 1 + word.length() <= width) {
                line.append(' ').append(word);
            } else {
                lines.add(line.toString());
                line.setLength(0);
                line.append(indent).append(word);
            }
        }
        if (line.length() > 0) lines.add(line.toString());
        return lines;
    }
}
