package org.minima.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** Version and git commit, stamped into {@code minima-version.properties} at build time. */
public final class Version implements CommandLine.IVersionProvider {
    private static final Properties PROPS = load();

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/minima-version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // keep defaults
        }
        return p;
    }

    public static String version() {
        return clean(PROPS.getProperty("version"), "dev");
    }

    /** Full git commit hash, with {@code -dirty} when the build had uncommitted changes. */
    public static String commit() {
        String c = clean(PROPS.getProperty("commit"), "unknown");
        return "true".equals(PROPS.getProperty("dirty")) ? c + "-dirty" : c;
    }

    private static String clean(String v, String fallback) {
        return v == null || v.isBlank() || v.startsWith("${") ? fallback : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"minima " + version() + " (commit " + commit() + ")"};
    }
}
