package org.maskstream.model;

import org.maskstream.data.Images;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;

/**
 * One picture of the best and the worst examples of an evaluation: tiles of their overlays with id and score,
 * for a person to see at a glance what the model gets right and wrong. Keeps only the {@code perSide} best and
 * worst as they stream by (thumbnails), so memory does not grow with the dataset.
 */
public final class ContactSheet {
    private static final int CAPTION = 30;
    private static final int HEADER = 26;
    private static final int COLUMNS = 8;
    /** Lower score first; ties by id, so the same evaluation gives the same sheet. */
    private static final Comparator<Tile> ASCENDING = Comparator.comparingDouble(Tile::score).thenComparing(Tile::id);

    private record Tile(String id, double score, BufferedImage thumb) {
    }

    private final int perSide;
    private final int tile;
    /** The best so far, worst of them on top (to be replaced first). */
    private final PriorityQueue<Tile> best = new PriorityQueue<>(ASCENDING);
    /** The worst so far, best of them on top. */
    private final PriorityQueue<Tile> worst = new PriorityQueue<>(ASCENDING.reversed());

    /**
     * @param perSide how many best and how many worst examples to show
     * @param tile    side of a tile in pixels
     */
    public ContactSheet(int perSide, int tile) {
        if (perSide < 1 || tile < 16) {
            throw new IllegalArgumentException("a contact sheet needs perSide >= 1 and tile >= 16, got " + perSide
                    + " and " + tile);
        }
        this.perSide = perSide;
        this.tile = tile;
    }

    /** Offers one example's picture (e.g. an {@link Overlay}) with its score (higher is better). */
    public void add(String id, double score, BufferedImage picture) {
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("score of " + id + " is " + score);
        }
        Tile candidate = new Tile(id, score, null);
        boolean forBest = best.size() < perSide || ASCENDING.compare(candidate, best.peek()) > 0;
        boolean forWorst = worst.size() < perSide || ASCENDING.compare(candidate, worst.peek()) < 0;
        if (!forBest && !forWorst) {
            return;
        }
        Tile t = new Tile(id, score, thumbnail(picture));
        if (forBest) {
            best.add(t);
            if (best.size() > perSide) {
                best.poll();
            }
        }
        if (forWorst) {
            worst.add(t);
            if (worst.size() > perSide) {
                worst.poll();
            }
        }
    }

    /** The best examples, best first. */
    public List<String> bestIds() {
        return sorted(best, ASCENDING.reversed()).stream().map(Tile::id).toList();
    }

    /** The worst examples, worst first. */
    public List<String> worstIds() {
        return sorted(worst, ASCENDING).stream().map(Tile::id).toList();
    }

    private static List<Tile> sorted(PriorityQueue<Tile> queue, Comparator<Tile> order) {
        List<Tile> out = new ArrayList<>(queue);
        out.sort(order);
        return out;
    }

    private BufferedImage thumbnail(BufferedImage picture) {
        double scale = (double) tile / Math.max(picture.getWidth(), picture.getHeight());
        int w = Math.max(1, (int) Math.round(picture.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(picture.getHeight() * scale));
        return Images.resize(picture, w, h);
    }

    /**
     * The sheet: a section "best N by LABEL" (best first), then "worst N" (worst first), {@value #COLUMNS} tiles a
     * row, each captioned with its id and score.
     */
    public BufferedImage render(String label) {
        List<Tile> top = sorted(best, ASCENDING.reversed());
        List<Tile> bottom = sorted(worst, ASCENDING);
        int columns = Math.min(COLUMNS, Math.max(top.size(), 1));
        int cell = tile + CAPTION;
        int height = 2 * HEADER + (rows(top.size(), columns) + rows(bottom.size(), columns)) * cell;
        BufferedImage sheet = new BufferedImage(columns * (tile + 8) + 8, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            int y = section(g, "best " + top.size() + " by " + label, top, columns, 0);
            section(g, "worst " + bottom.size() + " by " + label, bottom, columns, y);
        } finally {
            g.dispose();
        }
        return sheet;
    }

    private static int rows(int n, int columns) {
        return (n + columns - 1) / columns;
    }

    private int section(Graphics2D g, String title, List<Tile> tiles, int columns, int y) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 8, y + 18);
        y += HEADER;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            int x = 8 + (i % columns) * (tile + 8);
            int top = y + (i / columns) * (tile + CAPTION);
            g.drawImage(t.thumb(), x, top, null);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.3f", t.score()), x, top + tile + 12);
            g.drawString(shorten(t.id(), tile, g), x, top + tile + 25);
        }
        return y + rows(tiles.size(), columns) * (tile + CAPTION);
    }

    private static String shorten(String id, int width, Graphics2D g) {
        String s = id;
        while (s.length() > 1 && g.getFontMetrics().stringWidth(s) > width) {
            s = s.substring(0, s.length() - 2) + "…";
        }
        return s;
    }
}
