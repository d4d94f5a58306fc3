package dev.layerdiff.engine.cuda;

import dev.layerdiff.engine.PairJob;
import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.ImageLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A pair's image in device memory: block maxima of |d| as the bits of doubles, folded in by the kernels'
 * atomic max; all-ones bytes (-1) where no element landed.
 */
final class DeviceImage implements PairJob.Image {
    private final ImageLayout layout;
    private final DeviceMemory pixels;

    private DeviceImage(ImageLayout layout, DeviceMemory pixels) {
        this.layout = layout;
        this.pixels = pixels;
    }

    /** A cleared image for {@code layout}. */
    static DeviceImage allocate(DeviceAllocator memory, ImageLayout layout) {
        DeviceMemory pixels = memory.allocate(8L * layout.width * layout.height, "an image");
        try {
            pixels.fill(0xFF);
        } catch (RuntimeException e) {
            pixels.close();
            throw e;
        }
        return new DeviceImage(layout, pixels);
    }

    /** The kernels' {@code ld_image}: pixels, tile_rows, tile_cols, tiles_x, rows_per_pixel, cols_per_pixel, width. */
    long[] descriptor() {
        return new long[] {pixels.address(), layout.tileRows, layout.tileCols, layout.tilesX, layout.rowsPerPixel,
            layout.columnsPerPixel, layout.width};
    }

    @Override
    public DiffImage read() {
        int count = layout.width * layout.height;
        ByteBuffer host = ByteBuffer.allocateDirect(8 * count).order(ByteOrder.nativeOrder());
        CudaErrors.check(CudaNative.ld_cuda_download(host, pixels.address(), 8L * count), "reading an image back");
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            long b = host.getLong(8 * i);
            v[i] = b < 0 ? -1 : Double.longBitsToDouble(b);
        }
        return new DiffImage(layout, v);
    }

    @Override
    public void release() {
        pixels.close();
    }
}
