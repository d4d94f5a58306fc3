package dev.layerdiff.archive.zip;

/**
 * One member of a zip file, with the offset of its data already resolved through its local header.
 *
 * @param name           member name
 * @param method         compression method: {@link #STORED} or {@link #DEFLATED} (others are refused on use)
 * @param compressedSize bytes of member data in the file
 * @param size           declared uncompressed size
 * @param dataOffset     file offset of the first data byte
 */
public record ZipMember(String name, int method, long compressedSize, long size, long dataOffset) {
    /** Method 0: data stored as is. */
    public static final int STORED = 0;
    /** Method 8: raw deflate. */
    public static final int DEFLATED = 8;
}
