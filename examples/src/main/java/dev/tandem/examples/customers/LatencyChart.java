package dev.tandem.examples.customers;

import static java.util.Objects.requireNonNull;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A scatter chart of application latency over time, one colour per series, written as a PNG with plain Java2D: x is
 * seconds since the run's start, y is the latency in milliseconds on a log scale (one grid line per power of ten).
 * A bar in each series' colour along the top marks its backfill's window. Stateless.
 */
final class LatencyChart {
    private LatencyChart() {}

    /** Width of the chart, in pixels. */
    static final int WIDTH = 1400;
    /** Height of the chart, in pixels. */
    static final int HEIGHT = 800;

    /** One colour per series, in order: distinguishable, also printed in grey. */
    static final List<Color> PALETTE = List.of(
            new Color(0xD62728), // red
            new Color(0x1F77B4), // blue
            new Color(0xFF7F0E), // orange
            new Color(0x2CA02C), // green
            new Color(0x9467BD), // purple
            new Color(0x8C564B), // brown
            new Color(0x17BECF), // cyan
            new Color(0x7F7F7F)); // grey

    private static final int LEFT = 90;
    private static final int RIGHT = 330;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;

    /** The points of one run. Immutable. */
    static final class Series {
        private final String label;
        private final Color color;
        private final double[] seconds;
        private final double[] millis;
        private final double windowFrom;
        private final double windowTo;

        /**
         * Creates a series; the arrays are copied.
         *
         * @param label the legend's text
         * @param color the points' colour
         * @param seconds each point's x, seconds since the run's start
         * @param millis each point's y, its latency in ms; as many as {@code seconds}
         * @param windowFrom the backfill's start, seconds since the run's start (NaN for none)
         * @param windowTo the backfill's end, seconds since the run's start (NaN for none)
         */
        Series(String label, Color color, double[] seconds, double[] millis, double windowFrom, double windowTo) {
            this.label = requireNonNull(label, "label");
            this.color = requireNonNull(color, "color");
            this.seconds = seconds.clone();
            this.millis = millis.clone();
            if (seconds.length != millis.length) {
                throw new IllegalArgumentException(
                        label + ": " + seconds.length + " x values but " + millis.length + " y values");
            }
            this.windowFrom = windowFrom;
            this.windowTo = windowTo;
        }

        String label() {
            return label;
        }

        Color color() {
            return color;
        }

        int size() {
            return seconds.length;
        }

        double seconds(int i) {
            return seconds[i];
        }

        double millis(int i) {
            return millis[i];
        }

        double windowFrom() {
            return windowFrom;
        }

        double windowTo() {
            return windowTo;
        }
    }

    /**
     * Draws the chart and writes it as a PNG of {@link #WIDTH} × {@link #HEIGHT} pixels, creating the directory.
     *
     * @param file where it goes
     * @param title the title, at the top
     * @param series the runs, drawn in order (later ones on top)
     * @throws IOException if the file cannot be written
     */
    static void write(Path file, String title, List<Series> series) throws IOException {
        BufferedImage image = draw(title, series);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    /**
     * {@return the chart as an image}
     *
     * @param title the title
     * @param series the runs
     */
    static BufferedImage draw(String title, List<Series> series) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            Axes axes = Axes.of(series);
            drawGrid(g, axes);
            drawPoints(g, axes, series);
            drawWindows(g, axes, series);
            drawFrame(g, title);
            drawLegend(g, series);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The ranges: x from 0 to the last point, y from the decade below the fastest to the decade above the slowest. */
    private record Axes(double maxSeconds, int minDecade, int maxDecade) {
        static Axes of(List<Series> series) {
            double maxX = 1;
            double minY = Double.POSITIVE_INFINITY;
            double maxY = 0;
            for (Series s : series) {
                for (int i = 0; i < s.size(); i++) {
                    maxX = Math.max(maxX, s.seconds(i));
                }
                if (!Double.isNaN(s.windowTo())) {
                    maxX = Math.max(maxX, s.windowTo());
                }
                for (int i = 0; i < s.size(); i++) {
                    double y = s.millis(i);
                    if (y > 0) {
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
            if (maxY == 0) {
                minY = 0.1;
                maxY = 100;
            }
            int lo = (int) Math.floor(Math.log10(Math.max(minY, 0.01)));
            int hi = (int) Math.ceil(Math.log10(maxY));
            if (hi <= lo) {
                hi = lo + 1;
            }
            double step = niceCeiling(maxX / 10);
            return new Axes(Math.ceil(maxX / step - 1e-9) * step, lo, hi);
        }

        int x(double seconds) {
            return LEFT + (int) Math.round(seconds / maxSeconds * plotWidth());
        }

        int y(double millis) {
            double clamped = Math.max(millis, Math.pow(10, minDecade));
            double f = (Math.log10(clamped) - minDecade) / (maxDecade - minDecade);
            return TOP + plotHeight() - (int) Math.round(f * plotHeight());
        }
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static int plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    /** {@return the smallest of 1, 2, 5 times a power of ten that is at least {@code x}} */
    static double niceCeiling(double x) {
        double decade = Math.pow(10, Math.floor(Math.log10(x)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * decade >= x - 1e-9) {
                return m * decade;
            }
        }
        return 10 * decade;
    }

    private static void drawGrid(Graphics2D g, Axes axes) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        for (int d = axes.minDecade(); d <= axes.maxDecade(); d++) {
            double value = Math.pow(10, d);
            int y = axes.y(value);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(LEFT, y, LEFT + plotWidth(), y);
            if (d < axes.maxDecade()) {
                g.setColor(new Color(0xF0F0F0));
                for (int m = 2; m <= 9; m++) {
                    int ym = axes.y(m * value);
                    g.drawLine(LEFT, ym, LEFT + plotWidth(), ym);
                }
            }
            String label = d < 0
                    ? String.format(Locale.ROOT, "%." + -d + "f", value)
                    : String.format(Locale.ROOT, "%,.0f", value);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        double step = niceCeiling(axes.maxSeconds() / 10 - 1e-9);
        for (int i = 0; i * step <= axes.maxSeconds() + 1e-9; i++) {
            double seconds = i * step;
            int x = axes.x(seconds);
            g.setColor(new Color(0xEEEEEE));
            g.drawLine(x, TOP, x, TOP + plotHeight());
            String label = step >= 1
                    ? String.format(Locale.ROOT, "%.0f", seconds)
                    : String.format(Locale.ROOT, "%." + (int) Math.ceil(-Math.log10(step)) + "f", seconds);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label, x - fm.stringWidth(label) / 2, TOP + plotHeight() + fm.getAscent() + 6);
        }
    }

    private static void drawPoints(Graphics2D g, Axes axes, List<Series> series) {
        for (Series s : series) {
            Color c = s.color();
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 150));
            for (int i = 0; i < s.size(); i++) {
                g.fill(new Ellipse2D.Double(axes.x(s.seconds(i)) - 2.0, axes.y(s.millis(i)) - 2.0, 4, 4));
            }
        }
    }

    /** A bar per series along the top of the plot, from its backfill's start to its end. */
    private static void drawWindows(Graphics2D g, Axes axes, List<Series> series) {
        g.setStroke(new BasicStroke(3));
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            if (Double.isNaN(s.windowFrom()) || Double.isNaN(s.windowTo())) {
                continue;
            }
            int y = TOP + 4 + 5 * i;
            g.setColor(s.color());
            g.drawLine(axes.x(s.windowFrom()), y, Math.max(axes.x(s.windowTo()), axes.x(s.windowFrom()) + 1), y);
        }
        g.setStroke(new BasicStroke(1));
    }

    private static void drawFrame(Graphics2D g, String title) {
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, TOP, plotWidth(), plotHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.drawString(title, LEFT, TOP - 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        FontMetrics fm = g.getFontMetrics();
        String xLabel = "seconds since the run's start (the load starts, then the backfill)";
        g.drawString(xLabel, LEFT + (plotWidth() - fm.stringWidth(xLabel)) / 2, HEIGHT - 20);
        String yLabel = "application latency from its scheduled start, ms (log scale)";
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(TOP + (plotHeight() + fm.stringWidth(yLabel)) / 2), 24);
        g.setTransform(saved);
    }

    private static void drawLegend(Graphics2D g, List<Series> series) {
        int x = WIDTH - RIGHT + 20;
        int y = TOP + 10;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        FontMetrics fm = g.getFontMetrics();
        for (Series s : series) {
            g.setColor(s.color());
            g.fillRect(x, y, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(s.label(), x + 22, y + fm.getAscent() - 1);
            y += 24;
        }
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        y += 10;
        for (String line : List.of(
                "One dot per operation (read or update),",
                "at its scheduled start. Bars at the top:",
                "each run's backfill, start to end.")) {
            g.drawString(line, x, y);
            y += 16;
        }
    }
}
