package io.flowcluster.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** What a benchmark shows: a table on standard output, and a PNG plot under docs/benchmarks/. */
public final class BenchmarkReport {

    public static final Path PLOTS = Path.of("../../docs/benchmarks");

    private BenchmarkReport() {
    }

    public static void table(String title, List<String> header, List<List<Object>> rows) {
        StringBuilder out = new StringBuilder("\n### ").append(title).append("\n\n| ")
                .append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> out.append("---|"));
        out.append('\n');
        for (List<Object> row : rows) {
            out.append("| ");
            List<String> cells = new ArrayList<>();
            for (Object cell : row) {
                cells.add(cell instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(cell));
            }
            out.append(String.join(" | ", cells)).append(" |\n");
        }
        System.out.println(out);
    }

    /** A line plot: one series per entry, sharing the x values. */
    public static void lines(String file, String title, String xTitle, String yTitle, List<? extends Number> x,
            Map<String, List<? extends Number>> series) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        series.forEach((name, y) -> chart.addSeries(name, x, y));
        save(chart, file);
    }

    /** A bar plot: one bar per category for each series. */
    public static void bars(String file, String title, String yTitle, List<String> categories, Map<String, List<? extends Number>> series) {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500).title(title).yAxisTitle(yTitle).build();
        series.forEach((name, y) -> chart.addSeries(name, categories, y));
        save(chart, file);
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String file) {
        try {
            Files.createDirectories(PLOTS);
            BitmapEncoder.saveBitmap(chart, PLOTS.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
            System.out.println("plot: docs/benchmarks/" + file + ".png");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The p-th percentile (0-100) of sorted values. */
    public static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
