package org.minima.io;

/**
 * Bad input from the user: a missing file, a corrupt header, an unknown key, a value out of range.
 * The CLI turns it into exit code 2 and one line {@code minima: error: <message>}; the message must
 * name the file, key or value and say what was expected.
 */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
