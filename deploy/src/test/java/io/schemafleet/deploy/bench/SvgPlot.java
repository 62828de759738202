package io.schemafleet.deploy.bench;

import java.util.List;
import java.util.Locale;

/**
 * Line charts as SVG text, no plotting library: x on a log scale (fleet sizes span
 * decades), y linear from zero, a legend, and a dashed line for a goal.
 */
final class SvgPlot {
    static final int WIDTH = 460;
    static final int HEIGHT = 320;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    /** One line: its name, colour and points (x, y). */
    record Series(String name, String color, List<double[]> points) {
    }

    /** A horizontal dashed line at {@code y}, labelled. */
    record Goal(String label, double y) {
    }

    private SvgPlot() {
    }

    /** Charts side by side in one SVG document. */
    static String document(List<String> charts) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH * charts.size(), HEIGHT,
                WIDTH * charts.size(), HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH * charts.size(), HEIGHT));
        for (int i = 0; i < charts.size(); i++) {
            svg.append(String.format(Locale.ROOT, "<g transform=\"translate(%d,0)\">%n", i * WIDTH)).append(charts.get(i))
                    .append("</g>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    /** One chart's elements (for {@link #document}). */
    static String chart(String title, String xLabel, String yLabel, List<Series> series, List<Goal> goals) {
        double xMin = Double.MAX_VALUE;
        double xMax = 0;
        double yMax = 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        for (Goal g : goals) {
            yMax = Math.max(yMax, g.y());
        }
        double lo = Math.floor(Math.log10(xMin));
        double hi = Math.max(lo + 1, Math.ceil(Math.log10(xMax)));
        double top = niceCeiling(yMax * 1.05);
        Scale scale = new Scale(lo, hi, top);
        StringBuilder out = new StringBuilder();
        out.append(text(WIDTH / 2.0, 20, "middle", "bold", title));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                LEFT, TOP, plotW, plotH));
        for (double d = lo; d <= hi + 1e-9; d++) {
            double x = scale.x(Math.pow(10, d));
            out.append(line(x, TOP, x, TOP + plotH, "#eee", false));
            out.append(text(x, TOP + plotH + 15, "middle", "normal", String.format(Locale.ROOT, "%,d", (long) Math.pow(10, d))));
        }
        for (int i = 0; i <= 5; i++) {
            double v = top * i / 5;
            double y = scale.y(v);
            out.append(line(LEFT, y, LEFT + plotW, y, "#eee", false));
            out.append(text(LEFT - 5, y + 4, "end", "normal", format(v)));
        }
        out.append(text(LEFT + plotW / 2.0, HEIGHT - 12, "middle", "normal", xLabel));
        out.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">%s</text>%n",
                TOP + plotH / 2.0, TOP + plotH / 2.0, escape(yLabel)));
        for (Goal g : goals) {
            double y = scale.y(g.y());
            out.append(line(LEFT, y, LEFT + plotW, y, "#c00", true));
            out.append(text(LEFT + plotW - 4, y - 4, "end", "normal", g.label()));
        }
        int legendY = TOP + 14;
        for (Series s : series) {
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", scale.x(p[0]), scale.y(p[1])));
            }
            out.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", path, s.color()));
            for (double[] p : s.points()) {
                out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %s at %,d</title></circle>%n",
                        scale.x(p[0]), scale.y(p[1]), s.color(), escape(s.name()), format(p[1]), (long) p[0]));
            }
            out.append(line(LEFT + 8, legendY - 4, LEFT + 26, legendY - 4, s.color(), false));
            out.append(text(LEFT + 30, legendY, "start", "normal", s.name()));
            legendY += 15;
        }
        return out.toString();
    }

    private record Scale(double lo, double hi, double top) {
        double x(double v) {
            return LEFT + (Math.log10(v) - lo) / (hi - lo) * (WIDTH - LEFT - RIGHT);
        }

        double y(double v) {
            return TOP + (HEIGHT - TOP - BOTTOM) * (1 - v / top);
        }
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String line(double x1, double y1, double x2, double y2, String color, boolean dashed) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n",
                x1, y1, x2, y2, color, dashed ? " stroke-dasharray=\"5,4\"" : "");
    }

    private static String text(double x, double y, String anchor, String weight, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-weight=\"%s\">%s</text>%n",
                x, y, anchor, weight, escape(s));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
