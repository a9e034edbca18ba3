package dev.tandem.examples.customers;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * The arithmetic of {@link BackfillBenchmark}: medians of rounds, latency percentiles, ratios, and how they are
 * printed. Stateless.
 */
final class BenchmarkStats {
    private BenchmarkStats() {}

    /**
     * {@return the median of {@code values}: the middle one, or the mean of the two middle ones; NaN if there are
     * none} NaN values are left out.
     *
     * @param values the values, in any order; not changed
     */
    static double median(Collection<Double> values) {
        double[] sorted = values.stream()
                .mapToDouble(Double::doubleValue)
                .filter(v -> !Double.isNaN(v))
                .sorted()
                .toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * {@return the nearest-rank percentile of {@code values}: the smallest value that at least {@code p} of all values
     * do not exceed; NaN if there are none} {@code percentile(v, 1.0)} is the maximum, {@code percentile(v, 0.5)} of
     * {@code 1, 2, 3, 4} is 2.
     *
     * @param values the values, in any order; not changed
     * @param p the share, above 0 and at most 1
     */
    static double percentile(long[] values, double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in (0, 1] but was " + p);
        }
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * {@return {@code value / reference}, or NaN if either is NaN or the reference is not positive}
     *
     * @param value the measured value
     * @param reference what it is compared with
     */
    static double ratio(double value, double reference) {
        if (Double.isNaN(value) || Double.isNaN(reference) || reference <= 0) {
            return Double.NaN;
        }
        return value / reference;
    }

    /**
     * {@return a ratio with two decimals and a multiplication sign, such as {@code 0.85×}; {@code n/a} for NaN}
     *
     * @param ratio the ratio
     */
    static String times(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f×", ratio);
    }

    /**
     * {@return milliseconds with one decimal below 100 and none above; {@code n/a} for NaN}
     *
     * @param millis milliseconds
     */
    static String millis(double millis) {
        if (Double.isNaN(millis)) {
            return "n/a";
        }
        return millis < 100 ? String.format(Locale.ROOT, "%.1f", millis) : String.format(Locale.ROOT, "%,.0f", millis);
    }

    /**
     * {@return a whole number with thousands separators, such as {@code 1,234,567}; {@code n/a} for NaN}
     *
     * @param value the number, rounded
     */
    static String whole(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
    }
}
