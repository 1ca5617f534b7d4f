package org.minima.plot;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.minima.io.AtomicFiles;

/**
 * A chart that draws itself onto any {@link Graphics2D}. The same drawing code gives the PNG (a
 * {@link BufferedImage}) and the SVG (VectorGraphics2D, which XChart also uses), so both files show the same
 * figure.
 */
public interface Figure {
    int width();

    int height();

    /** Draws the whole figure, background included, in a {@code width × height} pixel space. */
    void draw(Graphics2D g);

    /** The figure as PNG bytes, at {@code scale} times its size (2 for a sharp figure on paper). */
    default byte[] png(double scale) {
        int w = (int) Math.round(width() * scale);
        int h = (int) Math.round(height() * scale);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.scale(scale, scale);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width(), height());
            draw(g);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The figure as an SVG document. */
    default byte[] svg() {
        VectorGraphics2D g = new VectorGraphics2D();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width(), height());
        draw(g);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, width(), height())).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes the figure to {@code png} (at twice its size) and the same drawing beside it as SVG (the name with
     * {@code .svg} for {@code .png}), each atomically; returns the two paths, PNG first.
     */
    default List<Path> write(Path png) {
        String name = png.getFileName().toString();
        if (!name.endsWith(".png")) throw new IllegalArgumentException("expected a .png file name, got " + png);
        Path svg = png.resolveSibling(name.substring(0, name.length() - 4) + ".svg");
        byte[] p = png(2);
        byte[] s = svg();
        AtomicFiles.write(png, o -> o.write(p));
        AtomicFiles.write(svg, o -> o.write(s));
        return List.of(png, svg);
    }
}
