package org.minima.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import java.util.concurrent.Callable;
import org.minima.io.InputException;

/**
 * {@code minima install DIR}: puts beside each other in DIR the launcher {@code minima} (bin/minima, executable),
 * the jar it runs, the bash/zsh completion script {@code minima_completion} (picocli's {@link AutoComplete}; zsh
 * loads it through {@code bashcompinit}) and one man page per command in {@code DIR/man/man1/} ({@code minima.1},
 * {@code minima-train.1}, ...), written as troff from the same picocli model the {@code --help} text comes from.
 * {@code mvn package} runs it on {@code target/} (exec-maven-plugin, after the shaded jar), so a build leaves
 * {@code target/minima}, {@code target/minima_completion} and {@code target/man/man1/}; run it by hand to install
 * elsewhere. The pages are troff written here rather than picocli-codegen's {@code ManPageGenerator}, which writes
 * AsciiDoc and would need Asciidoctor to become man pages.
 */
@Command(name = "install", hidden = true, mixinStandardHelpOptions = true,
        description = "Write the launcher, the jar, bash/zsh completion and man pages into DIR.")
public final class InstallCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The folder to write (e.g. ~/.local/share/minima).")
    Path target;

    @Override
    public Integer call() throws IOException {
        Path jar = Path.of(InstallCommand.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        if (!Files.isRegularFile(jar)) throw new InputException("install: run it from the jar (java -jar target/minima.jar install DIR), not from classes");
        writeFiles(Main.commandLine(), target);
        if (!jar.toAbsolutePath().equals(target.resolve("minima.jar").toAbsolutePath())) {
            Files.copy(jar, target.resolve("minima.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println(target.resolve("minima"));
        System.out.println(target.resolve("minima_completion"));
        System.out.println(target.resolve("man/man1"));
        return Main.EXIT_OK;
    }

    /** Everything but the jar: the launcher (executable), the completion script and the man pages of {@code cl}. */
    static void writeFiles(CommandLine cl, Path target) throws IOException {
        Files.createDirectories(target.resolve("man/man1"));
        Path launcher = target.resolve("minima");
        try (var in = InstallCommand.class.getResourceAsStream("/org/minima/cli/minima-launcher.sh")) {
            Files.copy(in, launcher, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the script is for sh anyway
        }
        Files.writeString(target.resolve("minima_completion"), AutoComplete.bash("minima", cl), StandardCharsets.UTF_8);
        writeManPages(cl, target.resolve("man/man1"));
    }

    static void writeManPages(CommandLine cl, Path dir) throws IOException {
        Files.writeString(dir.resolve(pageName(cl.getCommandSpec()) + ".1"), manPage(cl), StandardCharsets.UTF_8);
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            if (!e.getValue().getCommandSpec().usageMessage().hidden()) writeManPages(e.getValue(), dir);
        }
    }

    private static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    /** troff text for one command: NAME, SYNOPSIS, DESCRIPTION, OPTIONS (sorted as --help sorts them), COMMANDS. */
    static String manPage(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        String[] description = spec.usageMessage().description();
        String name = pageName(spec);
        StringBuilder m = new StringBuilder();
        m.append(".TH \"").append(name.toUpperCase(java.util.Locale.ROOT)).append("\" 1 \"\" \"minima\" \"minima manual\"\n");
        m.append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(description.length > 0 ? description[0] : "")).append('\n');
        m.append(".SH SYNOPSIS\n.nf\n").append(escape(cl.getHelp().synopsis(0).strip())).append("\n.fi\n");
        m.append(".SH DESCRIPTION\n");
        for (String line : description) m.append(escape(line)).append('\n');
        List<OptionSpec> options = new ArrayList<>(spec.options());
        options.removeIf(OptionSpec::hidden);
        options.sort((a, b) -> a.longestName().replaceFirst("^-+", "").compareToIgnoreCase(b.longestName().replaceFirst("^-+", "")));
        if (!options.isEmpty()) m.append(".SH OPTIONS\n");
        for (OptionSpec o : options) {
            m.append(".TP\n");
            List<String> names = new ArrayList<>();
            for (String n : o.names()) names.add("\\fB" + escape(n) + "\\fR");
            m.append(String.join(", ", names));
            if (o.arity().max() > 0) m.append("=\\fI").append(escape(o.paramLabel())).append("\\fR");
            m.append('\n');
            String text = String.join(" ", o.description()).replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()));
            m.append(escape(text)).append('\n');
        }
        if (!cl.getSubcommands().isEmpty()) {
            m.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
                if (e.getValue().getCommandSpec().usageMessage().hidden()) continue;
                String[] d = e.getValue().getCommandSpec().usageMessage().description();
                m.append(".TP\n\\fB").append(escape(e.getKey())).append("\\fR\n").append(escape(d.length > 0 ? d[0] : ""))
                        .append(" See \\fB").append(escape(pageName(e.getValue().getCommandSpec()))).append("\\fR(1).\n");
            }
        }
        m.append(".SH SEE ALSO\ndocs/cli.md in the source tree: every flag, file and field.\n");
        return m.toString();
    }

    /** Backslashes and hyphens escaped; a line starting with . or ' protected. */
    private static String escape(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder out = new StringBuilder();
        for (String line : t.split("\n", -1)) {
            if (out.length() > 0) out.append('\n');
            if (line.startsWith(".") || line.startsWith("'")) out.append("\\&");
            out.append(line);
        }
        return out.toString();
    }
}
