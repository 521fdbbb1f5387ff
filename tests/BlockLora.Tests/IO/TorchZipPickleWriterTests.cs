using System.Numerics;
using BlockLora.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Tests.IO;

public sealed class TorchZipPickleWriterTests : IDisposable
{
    private readonly PickleTestFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public void Nested_values_round_trip()
    {
        var nested = new Dictionary<string, object?> { ["inner"] = new List<object?> { 1, "x", null } };
        var value = new Dictionary<string, object?>
        {
            ["small"] = 7,
            ["ints"] = new List<object?> { 0, 255, 256, 65535, 65536, -1, int.MinValue, 1L << 31, long.MaxValue, long.MinValue, BigInteger.Pow(3, 50) },
            ["floats"] = new List<object?> { 1.5, -0.0, double.PositiveInfinity, 1e-300, 0.25f },
            ["text"] = "héllo ✓ \0 end",
            ["flags"] = new object?[] { true, false, null },
            ["nested"] = nested,
            ["same_dict_twice"] = new List<object?> { nested, nested },
            ["empty"] = new Dictionary<string, object?> { ["list"] = new List<object?>(), ["tuple"] = Array.Empty<object?>(), ["dict"] = new Dictionary<string, object?>() },
            ["bytes"] = new byte[] { 0, 200, 255 },
            ["no_bytes"] = Array.Empty<byte>(),
            ["params"] = new[] { "q", "k", "v" },
            [""] = "empty key",
        };
        string path = files.PathOf("values.pt");
        TorchZipPickleWriter.Save(path, value);

        var root = Assert.IsType<Dictionary<object, object?>>(TorchZipPickleReader.Load(path));
        Assert.Equal(value.Keys, root.Keys.Cast<string>());
        Assert.Equal(7L, root["small"]);
        Assert.Equal(new object?[] { 0L, 255L, 256L, 65535L, 65536L, -1L, (long)int.MinValue, 1L << 31, long.MaxValue, long.MinValue, BigInteger.Pow(3, 50) },
            Assert.IsType<List<object?>>(root["ints"]));
        Assert.Equal(new object?[] { 1.5, -0.0, double.PositiveInfinity, 1e-300, 0.25 }, Assert.IsType<List<object?>>(root["floats"]));
        Assert.Equal("héllo ✓ \0 end", root["text"]);
        Assert.Equal(new object?[] { true, false, null }, Assert.IsType<object?[]>(root["flags"]));
        var twice = Assert.IsType<List<object?>>(root["same_dict_twice"]);
        Assert.Same(root["nested"], twice[0]);
        Assert.Same(twice[0], twice[1]);
        Assert.Equal(new object?[] { 1L, "x", null }, Assert.IsType<List<object?>>(Assert.IsType<Dictionary<object, object?>>(root["nested"])["inner"]));
        var empty = Assert.IsType<Dictionary<object, object?>>(root["empty"]);
        Assert.Empty(Assert.IsType<List<object?>>(empty["list"]));
        Assert.Empty(Assert.IsType<object?[]>(empty["tuple"]));
        Assert.Empty(Assert.IsType<Dictionary<object, object?>>(empty["dict"]));
        Assert.Equal(new byte[] { 0, 200, 255 }, root["bytes"]);
        Assert.Equal(Array.Empty<byte>(), root["no_bytes"]);
        Assert.Equal(new object?[] { "q", "k", "v" }, Assert.IsType<List<object?>>(root["params"]));
        Assert.Equal("empty key", root[""]);
    }

    [Fact]
    public void Long_containers_use_batches_and_long_memo_indices()
    {
        // Over 1000 items (CPython's batch size) and over 256 memo entries (LONG_BINPUT / LONG_BINGET).
        var strings = Enumerable.Range(0, 1500).Select(i => (object?)$"s{i}").ToList();
        var value = new Dictionary<string, object?>
        {
            ["first"] = strings,
            ["again"] = strings.Select(s => (object?)(string)s!).Reverse().ToList(),
            ["map"] = Enumerable.Range(0, 1200).ToDictionary(i => i, i => (object?)(i * 2)),
        };
        string path = files.PathOf("long.pt");
        TorchZipPickleWriter.Save(path, value);
        var root = Assert.IsType<Dictionary<object, object?>>(TorchZipPickleReader.Load(path));
        Assert.Equal(strings, Assert.IsType<List<object?>>(root["first"]));
        Assert.Equal(Enumerable.Reverse(strings), Assert.IsType<List<object?>>(root["again"]));
        var map = Assert.IsType<Dictionary<object, object?>>(root["map"]);
        Assert.Equal(1200, map.Count);
        Assert.Equal(2398L, map[1199L]);
    }

    [Fact]
    public void Tensors_round_trip_with_dtype_shape_values_and_layout()
    {
        using var scope = NewDisposeScope();
        var fp32 = torch.randn(3, 4, generator: new Generator(1));
        var fp16 = torch.tensor(new float[] { 0.5f, -1.25f, 65504f, 6e-5f }).to_type(ScalarType.Float16);
        var bf16 = torch.tensor(new float[] { 1f, -3.5f }).to_type(ScalarType.BFloat16);
        var int64 = torch.tensor(new long[] { long.MinValue, -1, 0, 1L << 40, long.MaxValue, 3 }).reshape(2, 3);
        var flags = torch.tensor(new[] { true, false, true });
        var transposed = torch.arange(12, dtype: ScalarType.Float32).reshape(3, 4).t();          // strides [1, 4]
        var storageBase = torch.arange(20, dtype: ScalarType.Float64);
        var offsetView = storageBase.as_strided([2, 3], [5, 2], 3);                                // offset 3, gaps
        var expanded = torch.tensor(new float[] { 1, 2, 3 }).expand(4, 3);                         // stride 0
        var scalar = torch.tensor(2.5f);
        var emptyRows = torch.empty(0, 5);
        var value = new Dictionary<string, object?>
        {
            ["fp32"] = fp32,
            ["fp16"] = fp16,
            ["bf16"] = bf16,
            ["int64"] = int64,
            ["bool"] = flags,
            ["transposed"] = transposed,
            ["offset_view"] = offsetView,
            ["expanded"] = expanded,
            ["scalar"] = scalar,
            ["empty_rows"] = emptyRows,
            ["twice"] = new List<object?> { fp16, fp16 },
        };
        string path = files.PathOf("tensors.pt");
        TorchZipPickleWriter.Save(path, value);

        var root = Assert.IsType<Dictionary<object, object?>>(TorchZipPickleReader.Load(path));
        foreach (var (key, original) in value)
        {
            if (original is not Tensor expected) continue;
            var actual = Assert.IsType<Tensor>(root[key]);
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(actual.Equals(expected), key);
        }
        Assert.Equal([1L, 4], ((Tensor)root["transposed"]!).stride());
        var view = (Tensor)root["offset_view"]!;
        Assert.Equal([5L, 2], view.stride());
        Assert.Equal(3, view.storage_offset());
        Assert.Equal([0L, 1], ((Tensor)root["expanded"]!).stride());
        var twice = Assert.IsType<List<object?>>(root["twice"]);
        Assert.Same(twice[0], twice[1]);
        TorchZipPickleReaderTests.DisposeTensors(root);
    }

    [Fact]
    public void Archive_has_torch_save_layout_with_stored_records()
    {
        string path = files.PathOf("layout.pt");
        using (var a = torch.ones(2))
        using (var b = torch.zeros(3, dtype: ScalarType.Int64))
            TorchZipPickleWriter.Save(path, new Dictionary<string, object?> { ["a"] = a, ["b"] = b });
        var entries = PickleTestFiles.Entries(path);
        Assert.Equal(["archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/data/1", "archive/version"], entries.Select(e => e.Name));
        Assert.Equal("little"u8.ToArray(), entries[1].Data);
        Assert.Equal("3\n"u8.ToArray(), entries[4].Data);
        Assert.Equal(8, entries[2].Data.Length);
        Assert.Equal(24, entries[3].Data.Length);
        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
    }

    /// <summary>
    /// fixtures/torch-pickle/clip_lora_tiny.pt was pickled by CPython from the structure CLIP-LoRA's
    /// save_lora builds (make_reference.py). Writing the same structure must give the same bytes:
    /// the writer then emits exactly what torch.save would, record for record.
    /// </summary>
    [Fact]
    public void Writes_the_same_bytes_as_CPython_for_a_clip_lora_file()
    {
        using var scope = NewDisposeScope();
        string path = files.PathOf("clip_lora_tiny.pt");
        TorchZipPickleWriter.Save(path, ClipLoraFixture.Build(), archiveName: "clip_lora_tiny");

        var expected = PickleTestFiles.Entries(PickleTestFiles.Fixture("clip_lora_tiny.pt"));
        var actual = PickleTestFiles.Entries(path);
        Assert.Equal(expected.Select(e => e.Name), actual.Select(e => e.Name));
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Data.AsSpan().SequenceEqual(actual[i].Data), $"{expected[i].Name} differs");
    }

    [Fact]
    public void Unsupported_values_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            TorchZipPickleWriter.Save(files.PathOf("bad.pt"), new Dictionary<string, object?> { ["when"] = DateTime.UnixEpoch }));
        Assert.Contains("root[when]", e.Message);
        Assert.False(File.Exists(files.PathOf("bad.pt")));
    }
}
