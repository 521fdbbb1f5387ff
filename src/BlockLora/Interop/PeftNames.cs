using System.Text.RegularExpressions;

namespace BlockLora.Interop;

/// <summary>
/// PEFT's file layout for a LoRA on a Hugging Face model (peft <c>utils/save_and_load.py</c>, <c>tuners/lora/layer.py</c>):
/// <c>adapter_model.safetensors</c> with <c>base_model.model.&lt;module&gt;.lora_A.weight</c> [r, in] and
/// <c>.lora_B.weight</c> [out, r] (the adapter name, <c>.default</c>, is removed on save; some tools keep it), and
/// <c>adapter_config.json</c>.
/// </summary>
public static partial class PeftNames
{
    public const string WeightsFileName = "adapter_model.safetensors";
    public const string ConfigFileName = "adapter_config.json";
    public const string Prefix = "base_model.model.";

    public static string LoraA(string hfModule) => $"{Prefix}{hfModule}.lora_A.weight";
    public static string LoraB(string hfModule) => $"{Prefix}{hfModule}.lora_B.weight";

    /// <summary>
    /// DoRA's magnitude [out]: PEFT saves <c>lora_magnitude_vector</c> without <c>.weight</c> (peft
    /// <c>tuners/lora/model.py</c> <c>_remap_adapter_state_dict_for_load</c> appends it on load).
    /// </summary>
    public static string LoraMagnitude(string hfModule) => $"{Prefix}{hfModule}.lora_magnitude_vector";

    /// <summary>
    /// The module of a DoRA magnitude key: <c>&lt;module&gt;.lora_magnitude_vector</c> as PEFT saves it, or with the adapter name
    /// and/or <c>.weight</c> that PEFT's in-memory state dict carries (<c>lora_magnitude_vector.default.weight</c>); null for any other key.
    /// </summary>
    public static string? ParseMagnitude(string key)
    {
        var m = MagnitudeKey().Match(key);
        return m.Success ? m.Groups["module"].Value : null;
    }

    [GeneratedRegex(@"^base_model\.model\.(?<module>.+)\.lora_magnitude_vector(\.[A-Za-z0-9_\-]+)?(\.weight)?$")]
    private static partial Regex MagnitudeKey();

    /// <summary>VeRA's shared projections as PEFT saves them with <c>save_projection: true</c> (peft <c>tuners/vera/model.py</c>
    /// <c>_get_adapter_state_dict</c>, the adapter name removed): A [r, in_max] and B [out_max, r], once for the model.</summary>
    public const string VeraA = "base_model.vera_A";
    public const string VeraB = "base_model.vera_B";

    /// <summary>A VeRA layer's trained vectors: <c>vera_lambda_b</c> [out] and <c>vera_lambda_d</c> [r] (nn.Parameters, so no <c>.weight</c>).</summary>
    public static string VeraLambda(string hfModule, char vector) => $"{Prefix}{hfModule}.vera_lambda_{vector}";

    /// <summary>A VeRA λ key split into module and b/d, with or without the adapter-name segment; null for any other key.</summary>
    public static (string Module, char Vector)? ParseVeraLambda(string key)
    {
        var m = VeraLambdaKey().Match(key);
        return m.Success ? (m.Groups["module"].Value, m.Groups["v"].Value[0]) : null;
    }

    [GeneratedRegex(@"^base_model\.model\.(?<module>.+)\.vera_lambda_(?<v>[bd])(\.[A-Za-z0-9_\-]+)?$")]
    private static partial Regex VeraLambdaKey();

    /// <summary>A LoRA tensor key split into module and A/B, with or without the adapter-name segment; null for any other key.</summary>
    public static (string Module, char Matrix)? Parse(string key)
    {
        var m = LoraKey().Match(key);
        return m.Success ? (m.Groups["module"].Value, m.Groups["ab"].Value[0]) : null;
    }

    [GeneratedRegex(@"^base_model\.model\.(?<module>.+)\.lora_(?<ab>[AB])(\.[A-Za-z0-9_\-]+)?\.weight$")]
    private static partial Regex LoraKey();
}
