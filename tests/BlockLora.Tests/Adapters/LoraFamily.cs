using BlockLora.Adapters;

namespace BlockLora.Tests.Adapters;

/// <summary>One config per method of the LoRA family (docs/method.md) at clip-tiny sizes, for theories that must hold for every method.</summary>
public static class LoraFamily
{
    private static readonly AdapterConfig Lora = new() { Method = AdapterMethod.Lora, Rank = 4, Dropout = 0.1, Seed = 3 };

    public static readonly IReadOnlyDictionary<string, AdapterConfig> Configs = new Dictionary<string, AdapterConfig>
    {
        ["LoRA"] = Lora,
        ["Block-LoRA"] = Lora with { Method = AdapterMethod.BlockLora, Blocks = 4 },
        ["DoRA"] = Lora with { Dora = true },
        ["Block-DoRA"] = Lora with { Method = AdapterMethod.BlockLora, Blocks = 4, Dora = true },
        ["VeRA"] = Lora with { Method = AdapterMethod.Vera, Rank = 16 },
        ["LoRA-FA"] = Lora with { FreezeA = true },
        ["PiSSA"] = Lora with { Init = AdapterInit.Pissa },
    };

    public static IEnumerable<string> Names => Configs.Keys;
}
