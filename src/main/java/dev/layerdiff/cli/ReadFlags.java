package dev.layerdiff.cli;

import dev.layerdiff.archive.ReadLimits;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The limits on reading archives that every command reading them accepts (a picocli mixin). */
final class ReadFlags {
    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

    @Option(names = "--max-inflated", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "largest size an .npz member may inflate to, e.g. 64G (default: 1 GiB + 256 x its compressed size)")
    Long maxInflated;

    ReadLimits limits() {
        return new ReadLimits(maxInflated);
    }

    /** Bytes, or a number with K, M, G or T (powers of 1024, optionally followed by iB or B). */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a size (bytes, or a number with K, M, G or T)");
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > Long.MAX_VALUE >> shift) throw new NumberFormatException();
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }

    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parseSize(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
