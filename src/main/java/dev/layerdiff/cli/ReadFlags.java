package dev.layerdiff.cli;

import dev.layerdiff.archive.ReadLimits;
import dev.layerdiff.io.Sizes;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The limits on reading archives that every command reading them accepts (a picocli mixin). */
final class ReadFlags {

    @Option(names = "--max-inflated", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "largest size an .npz member may inflate to, e.g. 64G (default: 1 GiB + 256 x its compressed size)")
    Long maxInflated;

    ReadLimits limits() {
        return new ReadLimits(maxInflated);
    }

    /** Bytes, or a number with K, M, G or T (powers of 1024, optionally followed by iB or B). */
    static long parseSize(String text) {
        return Sizes.parse(text);
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
