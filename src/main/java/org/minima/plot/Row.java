package org.minima.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.util.List;

/**
 * Figures side by side in one {@link Figure}, under a title: the panels of one figure (Smith et al.'s Figure 2 in
 * small: test accuracy against epochs, against updates, and the noise scale), each drawn at its own size, tops
 * aligned; the row is as wide as the panels together and as tall as the tallest plus the title.
 */
public final class Row implements Figure {
    private static final int TITLE_HEIGHT = 34;

    private final String title;
    private final List<Figure> panels;

    public Row(String title, List<? extends Figure> panels) {
        if (panels.isEmpty()) throw new IllegalArgumentException("a row needs at least one panel");
        this.title = title;
        this.panels = List.copyOf(panels);
    }

    private int top() {
        return title.isEmpty() ? 0 : TITLE_HEIGHT;
    }

    @Override public int width() { return panels.stream().mapToInt(Figure::width).sum(); }

    @Override public int height() { return top() + panels.stream().mapToInt(Figure::height).max().orElse(0); }

    @Override
    public void draw(Graphics2D g) {
        if (!title.isEmpty()) {
            g.setColor(Color.BLACK);
            g.setFont(Style.TITLE);
            g.drawString(title, (float) (width() / 2.0 - g.getFontMetrics().stringWidth(title) / 2.0), 24f);
        }
        int x = 0;
        for (Figure p : panels) {
            Graphics2D cell = (Graphics2D) g.create(x, top(), p.width(), p.height());
            p.draw(cell);
            cell.dispose();
            x += p.width();
        }
    }
}
