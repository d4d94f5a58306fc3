package dev.layerdiff.tensor;

/**
 * What a dump recorded of a tensor whose values it did not keep (msprobe's {@code "task": "statistics"}):
 * its largest and smallest value, mean and L2 norm, and, where the dump computed one, a checksum of its
 * bytes ({@code summary_mode} {@code md5}: a CRC-32, or {@code xor}), compared only with another dump's.
 *
 * @param checksum the checksum as the dump wrote it, or null
 */
public record RecordedStatistics(double max, double min, double mean, double norm, String checksum) {
}
