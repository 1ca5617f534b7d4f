package org.minima.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Output files that are either complete or absent (docs/cli.md, "Running it"): the content goes to a
 * hidden temporary file in the target's own folder (same file system, so the rename is atomic), is
 * flushed to disk, and is then renamed over the target. An interrupted run leaves at most a
 * {@code .NAME.*.tmp} file, never a truncated {@code NAME}.
 */
public final class AtomicFiles {
    /** Like {@link java.util.function.Consumer}, but may throw {@link IOException}. */
    @FunctionalInterface
    public interface IOConsumer<T> {
        void accept(T t) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Writes {@code target} through {@code body}. The folder is created when missing. A path that cannot be
     * written (a folder that cannot be created, no permission, a read-only file system, a file in the way,
     * a folder where the file should go) is the user's input: {@link InputException} naming the path and the
     * reason. An {@link IOException} while writing the content (a full disk, or the body's own) is a failure
     * while running: {@link UncheckedIOException}. Either way the temporary file is removed.
     */
    public static void write(Path target, IOConsumer<OutputStream> body) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            try {
                Files.createDirectories(dir);
                tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            } catch (IOException e) {
                throw unwritable("cannot write " + target, e, FILE_EXPECTED);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                body.accept(out);
                out.flush();
                ch.force(true); // one fsync: the rename must not land before the data
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target + ": " + reason(e), e);
            }
            // createTempFile makes the file owner-only (0600); a result file should read like any other (0644)
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its default
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target + ": " + reason(e), e);
            }
            try {
                if (Files.isDirectory(abs)) throw new InputException("cannot write " + target + ": it is a folder; expected a file name");
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw unwritable("cannot write " + target, e, FILE_EXPECTED);
            }
            tmp = null;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary name never looks like a finished file
                }
            }
        }
    }

    /**
     * Checks, before any long work, that {@code target} can be written later: its folder exists or can be
     * created (it is not created here) and takes a new file, and {@code target} is not a folder. {@code option} names the
     * option that gave the path (e.g. {@code --json}). Otherwise {@link InputException} naming the path.
     */
    public static void requireWritable(Path target, String option) {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) throw new InputException(option + " " + target + ": it is a folder; expected a file name");
        probe(abs.getParent(), option + " " + target, FILE_EXPECTED);
    }

    /**
     * Checks, before any long work, that the output folder {@code dir} exists or can be created (it is not
     * created here: the command creates it once its inputs are checked) and takes new files. Otherwise {@link InputException} naming the path.
     */
    public static void requireWritableFolder(Path dir, String option) {
        probe(dir.toAbsolutePath(), option + " " + dir, "expected a writable folder");
    }

    private static final String FILE_EXPECTED = "expected a path in a writable folder";

    /**
     * Checks that {@code dir} could be created and written, creating nothing that stays (inputs are checked after
     * this, and a failed command must leave nothing): the nearest existing ancestor must be a folder that takes a
     * new file (a temporary file is made in it and removed). Cost: a few system calls.
     */
    private static void probe(Path dir, String what, String expected) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        try {
            if (existing == null) throw new NoSuchFileException(dir.toString());
            if (!Files.isDirectory(existing)) throw new FileAlreadyExistsException(existing.toString());
            Files.delete(Files.createTempFile(existing, ".minima-probe.", ".tmp"));
        } catch (IOException e) {
            throw unwritable(what, e, expected);
        }
    }

    /** The user's output path cannot be written: one line with the path, the reason and what was expected. */
    private static InputException unwritable(String what, IOException e, String expected) {
        return new InputException(what + ": " + reason(e) + "; " + expected, e);
    }

    /**
     * A short reason for an I/O failure, naming the file it concerns (the JDK's messages for these are often
     * just the path).
     */
    private static String reason(IOException e) {
        String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : null;
        boolean temporary = false;
        if (file != null) {
            Path p = Path.of(file);
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            if (name.startsWith(".") && name.endsWith(".tmp") && p.getParent() != null) {
                file = p.getParent().toString(); // our temporary name means nothing to the user: name its folder
                temporary = true;
            }
        }
        String why;
        if (e instanceof FileAlreadyExistsException) why = "is a file, not a folder";
        else if (e instanceof AccessDeniedException) why = "permission denied";
        else if (e instanceof NoSuchFileException) why = temporary ? "takes no new files" : "does not exist and cannot be created";
        else if (e instanceof NotDirectoryException) why = "is not a folder";
        else if (e instanceof DirectoryNotEmptyException) why = "is a folder";
        else if (e instanceof FileSystemException f && f.getReason() != null) why = f.getReason().toLowerCase(java.util.Locale.ROOT);
        else return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return file == null ? why : file + ": " + why;
    }

    /** Writes {@code text} as UTF-8, atomically. */
    public static void writeString(Path target, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }
}
