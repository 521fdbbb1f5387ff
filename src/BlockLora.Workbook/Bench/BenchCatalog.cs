using BlockLora.Adapters;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// The rows of a benchmark run, in table order, each naming the row it is compared with. Every fast path
/// the method relies on appears next to the path it replaces: Block-LoRA's fold beside a dense ΔW, the
/// cached text features beside re-encoding, the text cut at end-of-text beside all 77 positions, fused
/// attention beside the explicit softmax, merged weights beside the base model, prefetching beside decoding.
/// With <see cref="BenchConfig.Methods"/> the rows are instead the LoRA family's training steps (<see cref="MethodCases"/>).
/// </summary>
public static class BenchCatalog
{
    public static IReadOnlyList<BenchCase> Create(BenchConfig config)
    {
        if (config.Methods) return Select(MethodCases(config), config.Only);
        int r0 = config.Ranks[0];
        int nMax = config.Blocks.Max();
        var cases = new List<BenchCase>
        {
            new("gemm", BenchKind.Gemm, $"GEMM {config.GemmSize}³"),
            new("train/frozen", BenchKind.Frozen, "frozen CLIP: loss forward (no_grad; nothing trains)"),
        };
        foreach (int r in config.Ranks)
        {
            string lora = $"train/lora/r{r}";
            cases.Add(Adapted(lora, BenchKind.Train, $"train step LoRA r={r}", AdapterMethod.Lora, r, 1));
            foreach (int n in config.Blocks)
                cases.Add(Adapted($"train/block-lora/r{r}/n{n}", BenchKind.Train, $"train step Block-LoRA r={r} n={n}", AdapterMethod.BlockLora, r, n) with { BaselineId = lora });
        }
        string both = $"train/block-lora/r{r0}/n{nMax}";
        cases.Add(Adapted($"{both}/vision", BenchKind.Train, $"train step Block-LoRA r={r0} n={nMax}, vision only (text cached)", AdapterMethod.BlockLora, r0, nMax)
            with
        { Encoders = AdapterEncoders.Vision, BaselineId = both });

        string dense = $"adapter/block-lora/r{r0}/n{nMax}/dense-delta";
        cases.Add(Adapted($"adapter/lora/r{r0}", BenchKind.Adapter, $"adapters only, LoRA r={r0}", AdapterMethod.Lora, r0, 1) with { BaselineId = dense });
        foreach (int n in config.Blocks)
            cases.Add(Adapted($"adapter/block-lora/r{r0}/n{n}", BenchKind.Adapter, $"adapters only, Block-LoRA r={r0} n={n} (fold)", AdapterMethod.BlockLora, r0, n) with { BaselineId = dense });
        cases.Add(Adapted(dense, BenchKind.Adapter, $"adapters only, Block-LoRA r={r0} n={nMax} via dense ΔW", AdapterMethod.BlockLora, r0, nMax) with { Variant = "dense-delta" });

        cases.Add(new("eval/base", BenchKind.Eval, "eval: base model, no_grad"));
        cases.Add(Adapted($"eval/block-lora/r{r0}/n{nMax}/merged", BenchKind.Eval, $"eval: Block-LoRA r={r0} n={nMax} merged", AdapterMethod.BlockLora, r0, nMax)
            with
        { Variant = "merged", BaselineId = "eval/base" });
        cases.Add(Adapted($"eval/block-lora/r{r0}/n{nMax}/unmerged", BenchKind.Eval, $"eval: Block-LoRA r={r0} n={nMax} unmerged", AdapterMethod.BlockLora, r0, nMax)
            with
        { Variant = "unmerged", BaselineId = "eval/base" });
        if (config.Device == "cpu")
            cases.Add(Adapted($"eval/block-lora/r{r0}/n{nMax}/onnx", BenchKind.Eval, $"eval: Block-LoRA r={r0} n={nMax} merged, ONNX Runtime CPU fp32", AdapterMethod.BlockLora, r0, nMax)
                with
            { Variant = "onnx", BaselineId = $"eval/block-lora/r{r0}/n{nMax}/merged" });

        cases.Add(new("text/truncated", BenchKind.Text, $"text: {config.Classes} prompts, cut at end-of-text") { BaselineId = "text/full" });
        cases.Add(new("text/full", BenchKind.Text, $"text: {config.Classes} prompts, all 77 positions") { Variant = "full" });
        cases.Add(new("attention/sdpa", BenchKind.Attention, "attention core, fused SDPA") { Variant = "sdpa", BaselineId = "attention/explicit" });
        cases.Add(new("attention/explicit", BenchKind.Attention, "attention core, explicit softmax") { Variant = "explicit" });
        if (config.DataRows)
        {
            cases.Add(new("data/decode", BenchKind.Data, $"data: decode + augment {config.Batch} JPEGs") { Variant = "decode" });
            cases.Add(new("data/overlap", BenchKind.Data, "data: consumer wait per step with prefetching") { Variant = "overlap", BaselineId = "data/decode" });
        }
        return Select(cases, config.Only);
    }

    /// <summary>
    /// One training step per method of the LoRA family under the same protocol (q, k, v of both towers, the default
    /// batch and prompts): per rank r, LoRA, Block-LoRA at each n, DoRA, Block-DoRA at the largest n, LoRA-FA and PiSSA; and
    /// VeRA once at <see cref="BenchConfig.VeraRank"/>. Each is compared with the method it extends (Block-DoRA with
    /// Block-LoRA, the rest with LoRA at the first r), with a target where the method promises one.
    /// </summary>
    public static List<BenchCase> MethodCases(BenchConfig config)
    {
        int r0 = config.Ranks[0];
        int nMax = config.Blocks.Max();
        var cases = new List<BenchCase>();
        foreach (int r in config.Ranks)
        {
            string lora = $"train/lora/r{r}";
            string blockLora = $"train/block-lora/r{r}/n{nMax}";
            cases.Add(Adapted(lora, BenchKind.Train, $"train step LoRA r={r}", AdapterMethod.Lora, r, 1));
            foreach (int n in config.Blocks)
                cases.Add(Adapted($"train/block-lora/r{r}/n{n}", BenchKind.Train, $"train step Block-LoRA r={r} n={n}", AdapterMethod.BlockLora, r, n) with { BaselineId = lora });
            cases.Add(Adapted($"train/dora/r{r}", BenchKind.Train, $"train step DoRA r={r}", AdapterMethod.Lora, r, 1)
                with
            { Dora = true, BaselineId = lora, Target = new BenchTarget("LoRA", 1.3) });
            cases.Add(Adapted($"train/block-dora/r{r}/n{nMax}", BenchKind.Train, $"train step Block-DoRA r={r} n={nMax}", AdapterMethod.BlockLora, r, nMax)
                with
            { Dora = true, BaselineId = blockLora });
            cases.Add(Adapted($"train/lora-fa/r{r}", BenchKind.Train, $"train step LoRA-FA r={r} (A frozen)", AdapterMethod.Lora, r, 1)
                with
            { FreezeA = true, BaselineId = lora, Target = new BenchTarget("LoRA", 1.0, LowerPeak: true) });
            cases.Add(Adapted($"train/pissa/r{r}", BenchKind.Train, $"train step PiSSA r={r} (LoRA, SVD init)", AdapterMethod.Lora, r, 1)
                with
            { Init = AdapterInit.Pissa, BaselineId = lora });
        }
        cases.Add(Adapted($"train/vera/r{config.VeraRank}", BenchKind.Train, $"train step VeRA r={config.VeraRank}", AdapterMethod.Vera, config.VeraRank, 1)
            with
        { BaselineId = $"train/lora/r{r0}", Target = new BenchTarget("LoRA", 1.1) });
        return cases;
    }

    /// <summary>The cases whose id starts with one of the prefixes, plus the baselines they are compared with, in table order.</summary>
    private static List<BenchCase> Select(List<BenchCase> cases, IReadOnlyList<string> prefixes)
    {
        if (prefixes.Count == 0) return cases;
        var kept = cases.Where(c => prefixes.Any(p => c.Id.StartsWith(p, StringComparison.Ordinal))).Select(c => c.Id).ToHashSet();
        if (kept.Count == 0) throw new ArgumentException($"--only {string.Join(",", prefixes)} matches no case (ids: {string.Join(", ", cases.Select(c => c.Id))})");
        foreach (var c in cases.Where(c => kept.Contains(c.Id) && c.BaselineId is not null).ToList()) kept.Add(c.BaselineId!);
        return cases.Where(c => kept.Contains(c.Id)).ToList();
    }

    private static BenchCase Adapted(string id, BenchKind kind, string title, AdapterMethod method, int rank, int blocks) =>
        new(id, kind, title) { Method = method, Rank = rank, Blocks = blocks };
}
