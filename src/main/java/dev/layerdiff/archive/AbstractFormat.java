package dev.layerdiff.archive;

import java.util.List;

/** The facts of an {@link ArchiveFormat} that are plain values, so an implementation writes only recognise and open. */
public abstract class AbstractFormat implements ArchiveFormat {
    private final String name;
    private final String description;
    private final List<String> extensions;

    protected AbstractFormat(String name, String description, String... extensions) {
        this.name = name;
        this.description = description;
        this.extensions = List.of(extensions);
    }

    @Override
    public final String name() { return name; }

    @Override
    public final String description() { return description; }

    @Override
    public final List<String> extensions() { return extensions; }
}
