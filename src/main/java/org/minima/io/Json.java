package org.minima.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one Jackson {@link ObjectMapper} of the tool. Doubles are written with {@link Double#toString},
 * the shortest text that reads back to the same double (at most 17 significant digits): full precision.
 * Output is pretty-printed; reading rejects trailing garbage and duplicate keys.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Pretty-printed JSON text with a final newline. */
    public static String toString(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /** Writes {@code value} as pretty JSON to {@code file}, atomically. */
    public static void write(Path file, Object value) {
        AtomicFiles.writeString(file, toString(value));
    }

    /** Parses {@code text}; bad JSON is an {@link InputException} naming {@code where} and the line. */
    public static JsonNode parse(String text, String where) {
        try {
            JsonNode n = MAPPER.readTree(text);
            if (n == null || n.isMissingNode()) throw new InputException(where + ": empty, expected a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            String loc = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InputException(where + ": not valid JSON" + loc + ": " + e.getOriginalMessage());
        }
    }

    /** Reads and parses a JSON file; a missing or unreadable file is an {@link InputException}. */
    public static JsonNode read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

}
