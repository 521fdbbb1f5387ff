using System.Numerics;
using System.Text;
using BlockLora.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Tests.IO;

public sealed class TorchZipPickleReaderTests : IDisposable
{
    private readonly PickleTestFiles files = new();

    public void Dispose() => files.Dispose();

    /// <summary>
    /// reference.pt's pickle was written by CPython's own pickler (fixtures/torch-pickle/make_reference.py),
    /// so this checks the reader against the real opcode stream, not against our writer's idea of it.
    /// </summary>
    [Fact]
    public void Reads_a_pickle_written_by_CPython()
    {
        var root = Assert.IsType<Dictionary<object, object?>>(TorchZipPickleReader.Load(PickleTestFiles.Fixture("reference.pt")));
        try
        {
            var state = Assert.IsType<Dictionary<object, object?>>(root["state"]); // OrderedDict + BUILD(_metadata)
            Assert.Equal(["weight", "weight_t_tail", "half"], state.Keys.Cast<string>());
            var weight = Assert.IsType<Tensor>(state["weight"]);
            Assert.Equal(ScalarType.Float32, weight.dtype);
            Assert.Equal([3L, 4], weight.shape);
            Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), weight.data<float>().ToArray());

            // A strided view of the same storage keeps its offset and strides.
            var tail = Assert.IsType<Tensor>(state["weight_t_tail"]);
            Assert.Equal([3L, 2], tail.shape);
            Assert.Equal([1L, 4], tail.stride());
            Assert.Equal(1, tail.storage_offset());
            using (var expected = torch.tensor(new float[] { 1, 5, 2, 6, 3, 7 }).reshape(3, 2))
                Assert.True(tail.Equals(expected));

            var half = Assert.IsType<Tensor>(state["half"]);
            Assert.Equal(ScalarType.Float16, half.dtype);
            using (var f = half.to_type(ScalarType.Float32))
                Assert.Equal([0.5f, -1.25f, 3.0f], f.data<float>().ToArray());

            var longs = Assert.IsType<Tensor>(root["longs"]);
            Assert.Equal(ScalarType.Int64, longs.dtype);
            Assert.Equal([1L << 40, -7, 0, 5], longs.data<long>().ToArray());
            var flags = Assert.IsType<Tensor>(root["flags"]);
            Assert.Equal([true, false], flags.data<bool>().ToArray());
            var scalar = Assert.IsType<Tensor>(root["scalar"]);
            Assert.Empty(scalar.shape);
            Assert.Equal(42f, scalar.item<float>());

            // The same tensor object twice comes back as one object (memo), as in Python.
            var twice = Assert.IsType<List<object?>>(root["same_tensor_twice"]);
            Assert.Same(twice[0], twice[1]);
            Assert.Same(half, twice[0]);

            var numbers = Assert.IsType<List<object?>>(root["numbers"]);
            Assert.Equal(new object?[]
            {
                0L, 255L, 256L, 65535L, 65536L, -1L, (long)int.MinValue, 1L << 31, long.MaxValue, long.MinValue,
                BigInteger.Pow(2, 70), 1.5, -0.0,
            }, numbers);
            Assert.True(double.IsNegative((double)numbers[^1]!));
            Assert.Equal("héllo ✓", root["text"]);
            Assert.Equal(new object?[] { 1L, "two", null, true, false }, Assert.IsType<object?[]>(root["tuple"]));
            var empty = Assert.IsType<Dictionary<object, object?>>(root["empty"]);
            Assert.Empty(Assert.IsType<List<object?>>(empty["list"]));
            Assert.Empty(Assert.IsType<Dictionary<object, object?>>(empty["dict"]));
            Assert.Empty(Assert.IsType<object?[]>(empty["tuple"]));
            Assert.Equal(new byte[] { 0, 255, (byte)'a', (byte)'b', (byte)'c' }, root["blob"]);
            Assert.Equal([3L], Assert.IsType<HashSet<object?>>(root["set"]).ToArray());
        }
        finally
        {
            DisposeTensors(root);
        }
    }

    /// <summary>
    /// TorchScript archives carry a constants.pkl written by libtorch's C++ pickler, whose opcode habits
    /// differ from CPython's (MARK TUPLE for empty tuples, BINPUT after BINPERSID). The clip-tiny fixture's
    /// constants (two fp64 scalars) repackaged as a torch.save archive check the reader on that flavour.
    /// </summary>
    [Fact]
    public void Reads_a_pickle_written_by_libtorch()
    {
        var jit = PickleTestFiles.Entries(Path.Combine(AppContext.BaseDirectory, "fixtures", "clip-tiny", "openai-jit.pt"))
            .ToDictionary(e => e.Name, e => e.Data);
        string path = files.Zip("constants.pt",
            ("archive/data.pkl", jit["openai-jit/constants.pkl"]),
            ("archive/data/0", jit["openai-jit/constants/0"]),
            ("archive/data/1", jit["openai-jit/constants/1"]));
        var tuple = Assert.IsType<object?[]>(TorchZipPickleReader.Load(path));
        try
        {
            Assert.Equal(2, tuple.Length);
            for (int i = 0; i < 2; i++)
            {
                var t = Assert.IsType<Tensor>(tuple[i]);
                Assert.Equal(ScalarType.Float64, t.dtype);
                Assert.Empty(t.shape);
                Assert.Equal(BitConverter.ToDouble(jit[$"openai-jit/constants/{i}"]), t.item<double>());
            }
        }
        finally
        {
            DisposeTensors(tuple);
        }
    }

    [Theory]
    // protocol 2: GLOBAL 'os system', ('echo pwned',), REDUCE
    [InlineData("os.system", "80 02 63 'os\nsystem\n' 58 0a000000 'echo pwned' 85 52 2e")]
    // Python 2 spelling, mapped to builtins like Python 3 does: still refused
    [InlineData("builtins.eval", "80 02 63 '__builtin__\neval\n' 58 01000000 '1' 85 52 2e")]
    // protocol 4: STACK_GLOBAL 'builtins' 'exec'
    [InlineData("builtins.exec", "80 04 8c 08 'builtins' 8c 04 'exec' 93 8c 01 '1' 85 52 2e")]
    // an allowed-looking module with a harmful name
    [InlineData("torch.load", "80 02 63 'torch\nload\n' 2e")]
    public void Refuses_globals_outside_the_allow_list(string global, string pickle)
    {
        string path = files.Zip("evil.pt", ("archive/data.pkl", Bytes(pickle)), ("archive/version", "3\n"u8.ToArray()));
        var e = Assert.Throws<PickleSecurityException>(() => TorchZipPickleReader.Load(path));
        Assert.Equal(global, e.Global);
        Assert.Contains(path, e.Message);
        Assert.Contains($"refuses to load global '{global}'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Refuses_to_call_an_allowed_global_that_is_not_a_function()
    {
        // torch.FloatStorage is allowed as a persistent-id tag, not as something to call.
        string path = files.Zip("call.pt", ("archive/data.pkl", Bytes("80 02 63 'torch\nFloatStorage\n' 29 52 2e")));
        var e = Assert.Throws<FormatException>(() => TorchZipPickleReader.Load(path));
        Assert.Contains("torch.FloatStorage", e.Message);
        Assert.IsNotType<PickleSecurityException>(e);
    }

    [Fact]
    public void Truncated_archive_is_one_line_naming_the_file()
    {
        string good = files.PathOf("good.pt");
        using (var t = torch.arange(100, dtype: ScalarType.Float32))
            TorchZipPickleWriter.Save(good, new Dictionary<string, object?> { ["t"] = t });
        var bytes = File.ReadAllBytes(good);
        foreach (int keep in new[] { bytes.Length / 2, bytes.Length - 10, 30 })
        {
            string cut = files.PathOf($"cut{keep}.pt");
            File.WriteAllBytes(cut, bytes[..keep]);
            var e = Assert.Throws<FormatException>(() => TorchZipPickleReader.Load(cut));
            Assert.StartsWith(cut + ":", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void Storage_record_of_the_wrong_size_is_refused()
    {
        string good = files.PathOf("good.pt");
        using (var t = torch.arange(10, dtype: ScalarType.Float32))
            TorchZipPickleWriter.Save(good, t);
        var entries = PickleTestFiles.Entries(good).Select(e => e.Name == "archive/data/0" ? (e.Name, e.Data[..12]) : e).ToArray();
        string bad = files.Zip("short.pt", entries);
        var e = Assert.Throws<FormatException>(() => TorchZipPickleReader.Load(bad));
        Assert.Contains("archive/data/0", e.Message);
        Assert.Contains("12 bytes", e.Message);

        string missing = files.Zip("missing.pt", entries.Where(x => x.Item1 != "archive/data/0").ToArray());
        var m = Assert.Throws<FormatException>(() => TorchZipPickleReader.Load(missing));
        Assert.Contains("'archive/data/0' is missing", m.Message);
    }

    [Fact]
    public void Tensor_reaching_past_its_storage_is_refused()
    {
        // _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', 2), 0, (3,), (1,), False, OrderedDict())
        var pickle = Bytes("80 02 63 'torch._utils\n_rebuild_tensor_v2\n' 28 28 58 07000000 'storage' 63 'torch\nFloatStorage\n' " +
            "58 01000000 '0' 58 03000000 'cpu' 4b 02 74 51 4b 00 4b 03 85 4b 01 85 89 63 'collections\nOrderedDict\n' 29 52 74 52 2e");
        string path = files.Zip("past.pt", ("archive/data.pkl", pickle), ("archive/data/0", new byte[8]));
        var e = Assert.Throws<FormatException>(() => TorchZipPickleReader.Load(path));
        Assert.Contains("reaches element 2", e.Message);
    }

    [Fact]
    public void Other_files_get_a_clear_message()
    {
        string text = files.PathOf("notes.pt");
        File.WriteAllText(text, "hello");
        Assert.Contains("not a torch.save file", Assert.Throws<FormatException>(() => TorchZipPickleReader.Load(text)).Message);

        string legacy = files.PathOf("legacy.pt");
        File.WriteAllBytes(legacy, Bytes("80 02 8a 0a 6c fc 9c 46 f9 20 6a a8 50 19 2e"));
        Assert.Contains("legacy torch.save", Assert.Throws<FormatException>(() => TorchZipPickleReader.Load(legacy)).Message);

        string script = files.Zip("script.pt", ("model/data.pkl", Bytes("80 02 63 '__torch__.model\nCLIP\n' 2e")), ("model/constants.pkl", Bytes("80 02 29 2e")));
        Assert.Contains("TorchScript", Assert.Throws<FormatException>(() => TorchZipPickleReader.Load(script)).Message);
        string openAiJit = Path.Combine(AppContext.BaseDirectory, "fixtures", "clip-tiny", "openai-jit.pt");
        Assert.Contains("TorchScript", Assert.Throws<FormatException>(() => TorchZipPickleReader.Load(openAiJit)).Message);

        Assert.Contains("file not found", Assert.Throws<FormatException>(() => TorchZipPickleReader.Load(files.PathOf("none.pt"))).Message);
    }

    [Fact]
    public void Big_endian_archives_are_byte_swapped()
    {
        string little = files.PathOf("little.pt");
        using (var t = torch.tensor(new float[] { 1.5f, -2f, 1e-3f }))
            TorchZipPickleWriter.Save(little, t);
        // Rewrite as a big-endian machine would have saved it.
        var entries = PickleTestFiles.Entries(little).Select(e => e.Name switch
        {
            "archive/byteorder" => (e.Name, "big"u8.ToArray()),
            "archive/data/0" => (e.Name, SwapEach(e.Data, 4)),
            _ => e,
        }).ToArray();
        string big = files.Zip("big.pt", entries);
        using var loaded = Assert.IsType<Tensor>(TorchZipPickleReader.Load(big));
        Assert.Equal([1.5f, -2f, 1e-3f], loaded.data<float>().ToArray());
    }

    /// <summary>Hex bytes separated by spaces, with 'quoted' runs of ASCII (\n allowed).</summary>
    internal static byte[] Bytes(string spec)
    {
        var output = new List<byte>();
        int i = 0;
        while (i < spec.Length)
        {
            char c = spec[i];
            if (c == ' ') { i++; continue; }
            if (c == '\'')
            {
                int end = spec.IndexOf('\'', i + 1);
                output.AddRange(Encoding.ASCII.GetBytes(spec[(i + 1)..end]));
                i = end + 1;
                continue;
            }
            int stop = spec.IndexOf(' ', i);
            if (stop < 0) stop = spec.Length;
            output.AddRange(Convert.FromHexString(spec[i..stop]));
            i = stop;
        }
        return output.ToArray();
    }

    private static byte[] SwapEach(byte[] data, int unit)
    {
        var copy = (byte[])data.Clone();
        for (int i = 0; i < copy.Length; i += unit) Array.Reverse(copy, i, unit);
        return copy;
    }

    internal static void DisposeTensors(object? value)
    {
        switch (value)
        {
            case Tensor t: t.Dispose(); break;
            case Dictionary<object, object?> d: foreach (var v in d.Values) DisposeTensors(v); break;
            case List<object?> l: foreach (var v in l) DisposeTensors(v); break;
            case object?[] a: foreach (var v in a) DisposeTensors(v); break;
        }
    }
}
