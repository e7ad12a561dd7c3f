using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NetVips;

namespace Homeserver.Host.Tests.Media;

/// <summary>Images built in the test: real encodings from libvips, and hand-made ones no encoder would write.</summary>
public static class TestImages
{
    /// <summary>A colour gradient of the given size (so crops and scales are real work, not a flat colour).</summary>
    public static Image Gradient(int width, int height)
    {
        using var x = Image.Xyz(width, height);
        using var scaled = x * new[] { 255.0 / width, 255.0 / height };
        using var bands = scaled.Bandjoin(128);
        return bands.Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
    }

    public static byte[] Png(int width, int height)
    {
        using var image = Gradient(width, height);
        return image.PngsaveBuffer();
    }

    public static byte[] Jpeg(int width, int height)
    {
        using var image = Gradient(width, height);
        return image.JpegsaveBuffer(q: 90);
    }

    /// <summary>An animated GIF: <paramref name="frames"/> frames of width × height.</summary>
    public static byte[] AnimatedGif(int width, int height, int frames)
    {
        var pages = Enumerable.Range(0, frames).Select(i => Gradient(width, height).Linear(new[] { 1.0 }, new[] { i * 20.0 })
            .Cast(Enums.BandFormat.Uchar)).ToArray();
        using var joined = Image.Arrayjoin(pages, across: 1);
        foreach (var page in pages)
        {
            page.Dispose();
        }

        using var animated = joined.Mutate(m =>
        {
            m.Set(GValue.GIntType, "page-height", height);
            m.Set(GValue.ArrayIntType, "delay", Enumerable.Repeat(100, frames).ToArray());
            m.Set(GValue.GIntType, "loop", 0);
        });
        return animated.GifsaveBuffer();
    }

    /// <summary>A JPEG carrying EXIF with a GPS latitude (52° 31' 7" N), inserted as an APP1 segment.</summary>
    public static byte[] JpegWithGpsExif(int width, int height)
    {
        var jpeg = Jpeg(width, height);
        var tiff = new byte[80];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        // IFD0 at 8: one entry, GPSInfo (0x8825) pointing at the GPS IFD at 26.
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 1);
        WriteEntry(tiff, 10, 0x8825, 4, 1, 26);
        // GPS IFD at 26: GPSLatitudeRef "N" (inline) and GPSLatitude, three rationals at 56.
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(26), 2);
        WriteEntry(tiff, 28, 0x0001, 2, 2, 'N');
        WriteEntry(tiff, 40, 0x0002, 5, 3, 56);
        foreach (var (value, i) in new[] { 52u, 31u, 7u }.Select((v, i) => (v, i)))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(56 + (i * 8)), value);
            BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(60 + (i * 8)), 1);
        }

        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>
    /// A PNG of a few hundred bytes whose header declares <paramref name="width"/> × <paramref name="height"/> RGB
    /// pixels (a decompression bomb: decoding it would need width × height × 3 bytes).
    /// </summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        WriteChunk(output, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(new byte[4096]);
            }

            WriteChunk(output, "IDAT", compressed.ToArray());
        }

        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void WriteEntry(byte[] tiff, int at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), tag);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at + 2), type);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 4), count);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 8), value);
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        output.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
