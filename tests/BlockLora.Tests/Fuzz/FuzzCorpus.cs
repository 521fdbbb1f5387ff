using System.Text.Json.Nodes;

namespace BlockLora.Tests.Fuzz;

/// <summary>Which input of <c>blora encode</c> a mutant replaces; the other inputs stay intact.</summary>
public enum MutantRole { Model, Adapter, Image }

/// <param name="MustFail">Built to be invalid, so exit 2 is the only right answer; otherwise 0 (damage the format cannot see, e.g. a changed weight) is fine too.</param>
public sealed record Mutant(MutantRole Role, string Description, byte[] Bytes, string Extension, bool MustFail);

/// <summary>
/// The mutants, all derived from one <see cref="Random"/> seed: the same seed gives the same bytes, so a failure
/// reproduces from the seed and the mutant's number. About forty: each costs one process start, and the test has a
/// minute on two cores.
/// </summary>
internal static class FuzzCorpus
{
    public static List<Mutant> Build(int seed, byte[] safetensors, byte[] torchScript, byte[] adapter, byte[] png, byte[] jpeg)
    {
        var random = new Random(seed);
        var list = new List<Mutant>();
        SafeTensorsCheckpoint(list, random, safetensors);
        TorchScriptCheckpoint(list, random, torchScript);
        Adapter(list, random, adapter);
        Images(list, random, png, jpeg);
        return list;
    }

    private static void SafeTensorsCheckpoint(List<Mutant> list, Random random, byte[] file)
    {
        void Add(string what, byte[] bytes, bool mustFail) => list.Add(new(MutantRole.Model, "openai.safetensors: " + what, bytes, ".safetensors", mustFail));
        int headerEnd = SafeTensorsMutations.HeaderEnd(file);
        var (_, names) = SafeTensorsMutations.Header(file);
        string Pick() => names[random.Next(names.Count)];

        Add("header length claims 2^60 bytes", SafeTensorsMutations.WithHeaderLength(file, 1UL << 60), true);
        foreach (int cut in new[] { random.Next(0, 8), random.Next(headerEnd, file.Length) })
            Add($"truncated to {cut} bytes", Mutations.Truncate(file, cut), true);
        Add("4 bits flipped in the header", Mutations.FlipBits(file, random, 4, 8, headerEnd), false);
        Add("8 bits flipped anywhere", Mutations.FlipBits(file, random, 8), false);

        string a = Pick(), b = Pick(), c = Pick(), d = Pick(), e = Pick();
        Add($"'{a}' shape [2^31, 2^31] (element count overflows)", SafeTensorsMutations.EditEntry(file, a, x => x["shape"] = new JsonArray(1L << 31, 1L << 31)), true);
        Add($"'{b}' shape of two negative sizes", SafeTensorsMutations.EditEntry(file, b, x => x["shape"] = new JsonArray(-2, -(int)Math.Max(1, Elements(x) / 2))), true);
        Add($"'{c}' shape [1.5, null]", SafeTensorsMutations.EditEntry(file, c, x => x["shape"] = new JsonArray(1.5, null)), true);
        Add($"'{d}' data_offsets beyond the file", SafeTensorsMutations.EditEntry(file, d, x => x["data_offsets"] = new JsonArray(0L, 1L << 40)), true);
        Add($"'{e}' negative data_offsets", SafeTensorsMutations.EditEntry(file, e, x => x["data_offsets"] = new JsonArray(-64, 64)), true);
        Add("two tensors share one byte range", SafeTensorsMutations.Overlapping(file, random), true);
        Add("a tensor entry appears twice", SafeTensorsMutations.DuplicateKey(file), true);
        var (header, _) = SafeTensorsMutations.Header(file);
        header["__metadata__"] = new JsonObject { ["format"] = 7 };
        Add("__metadata__ value is a number", SafeTensorsMutations.WithHeader(file, header), true);
    }

    private static void TorchScriptCheckpoint(List<Mutant> list, Random random, byte[] file)
    {
        void Add(string what, byte[] bytes, bool mustFail) => list.Add(new(MutantRole.Model, "openai-jit.pt: " + what, bytes, ".pt", mustFail));
        var entries = ZipMutations.Entries(file);
        int eocd = ZipMutations.EndOfCentralDirectory(file);
        var pickle = ZipMutations.Named(entries, "/data.pkl");
        var storages = entries.Where(x => x.Name.Contains("/data/", StringComparison.Ordinal)).ToList();
        var code = entries.Where(x => x.Name.EndsWith(".py", StringComparison.Ordinal)).ToList();
        ZipMutations.Entry AnyOf(List<ZipMutations.Entry> from) => from[random.Next(from.Count)];

        int cut = random.Next(storages[0].Data, file.Length);
        Add($"truncated to {cut} bytes", Mutations.Truncate(file, cut), true);
        Add("3 bits flipped in data.pkl", Mutations.FlipBits(file, random, 3, pickle.Data, pickle.Data + pickle.CompressedSize), false);
        var source = AnyOf(code);
        Add($"2 bits flipped in {source.Name}", Mutations.FlipBits(file, random, 2, source.Data, source.Data + source.CompressedSize), false);
        // Both aborted the process inside libtorch's TorchScript loader (an uncaught torch::jit::ErrorReport), before the archive was read as data.
        var typed = AnyOf(code.Where(x => x.Stored && ZipMutations.Holds(file, x, ": Tensor")).ToList());
        Add($"a type name in {typed.Name} misspelt", ZipMutations.EditText(file, typed, ": Tensor", 2, 'U'), false);
        Add("a class name in data.pkl misspelt", ZipMutations.EditText(file, pickle, "___torch_mangle_", 13, 'd'), false);
        int zeroAt = random.Next(0, file.Length);
        Add($"4096 bytes zeroed at {zeroAt}", Mutations.Zero(file, zeroAt, 4096), false);
        // Central directory fields: sizes at +20 (compressed) and +24 (uncompressed), name length at +28, local header offset at +42.
        Add("data.pkl's directory entry claims 4 GiB", Mutations.WriteUInt32(Mutations.WriteUInt32(file, pickle.Central + 20, uint.MaxValue - 1), pickle.Central + 24, uint.MaxValue - 1), true);
        var storage = AnyOf(storages);
        Add($"{storage.Name}'s directory entry claims 4 GiB uncompressed", Mutations.WriteUInt32(file, storage.Central + 24, 0xFFFF_FFF0), true);
        Add("data.pkl's local header offset beyond the file", Mutations.WriteUInt32(file, pickle.Central + 42, 0x7FFF_FFF0), true);
        var named = AnyOf(entries);
        Add($"{named.Name}'s directory name length 65535", Mutations.WriteUInt16(file, named.Central + 28, ushort.MaxValue), false);
        var local = AnyOf(storages);
        Add($"{local.Name}'s local header extra length 65535", Mutations.WriteUInt16(file, local.Local + 28, ushort.MaxValue), false);
        // End of central directory: entry counts at +8/+10, directory offset at +16.
        Add("end record's directory offset beyond the file", Mutations.WriteUInt32(file, eocd + 16, 0xFFFF_FFF0), false);
        Add("end record says 0 entries", Mutations.WriteUInt16(Mutations.WriteUInt16(file, eocd + 8, 0), eocd + 10, 0), false);
    }

    private static void Adapter(List<Mutant> list, Random random, byte[] file)
    {
        void Add(string what, byte[] bytes, bool mustFail) => list.Add(new(MutantRole.Adapter, "adapter.safetensors: " + what, bytes, ".safetensors", mustFail));
        int headerEnd = SafeTensorsMutations.HeaderEnd(file);
        var (_, names) = SafeTensorsMutations.Header(file);
        string Pick() => names[random.Next(names.Count)];

        Add("header length claims 2^60 bytes", SafeTensorsMutations.WithHeaderLength(file, 1UL << 60), true);
        foreach (int cut in new[] { random.Next(8, headerEnd), random.Next(headerEnd, file.Length) })
            Add($"truncated to {cut} bytes", Mutations.Truncate(file, cut), true);
        Add("3 bits flipped in the header", Mutations.FlipBits(file, random, 3, 8, headerEnd), false);
        string a = Pick(), b = Pick();
        Add($"'{a}' shape [2^62, 4] (byte count overflows)", SafeTensorsMutations.EditEntry(file, a, x => x["shape"] = new JsonArray(1L << 62, 4)), true);
        Add($"'{b}' data_offsets beyond the file", SafeTensorsMutations.EditEntry(file, b, x => x["data_offsets"] = new JsonArray(0L, (long)int.MaxValue)), true);
        Add("two tensors share one byte range", SafeTensorsMutations.Overlapping(file, random), true);
        var (header, _) = SafeTensorsMutations.Header(file);
        header["__metadata__"]!["rank"] = "1000000000";
        Add("metadata rank 10^9", SafeTensorsMutations.WithHeader(file, header), false);
        (header, _) = SafeTensorsMutations.Header(file);
        header["__metadata__"]!["blocks"] = "0";
        Add("metadata blocks 0", SafeTensorsMutations.WithHeader(file, header), false);
    }

    private static void Images(List<Mutant> list, Random random, byte[] png, byte[] jpeg)
    {
        void Add(string what, byte[] bytes, string extension, bool mustFail) => list.Add(new(MutantRole.Image, what, bytes, extension, mustFail));
        int pngCut = random.Next(1, png.Length);
        Add($"PNG truncated to {pngCut} bytes", Mutations.Truncate(png, pngCut), ".png", true);
        Add("PNG with 2 bits flipped", Mutations.FlipBits(png, random, 2), ".png", false);
        Add("PNG whose IHDR claims 7000 x 7000 (CRC fixed)", ImageMutations.PngClaiming(png, 7000, 7000), ".png", true);
        Add("PNG whose IHDR claims 2^31-1 x 2^31-1 (CRC fixed)", ImageMutations.PngClaiming(png, int.MaxValue, int.MaxValue), ".png", true);
        int cut = random.Next(1, jpeg.Length - 2);
        Add($"JPEG truncated to {cut} bytes", Mutations.Truncate(jpeg, cut), ".jpg", true);
        Add("JPEG with 2 bits flipped", Mutations.FlipBits(jpeg, random, 2), ".jpg", false);
        Add("JPEG whose frame header claims 7000 x 7000", ImageMutations.JpegClaiming(jpeg, 7000, 7000), ".jpg", true);
    }

    private static long Elements(JsonObject entry) =>
        entry["shape"]!.AsArray().Aggregate(1L, (n, s) => n * s!.GetValue<long>());
}
