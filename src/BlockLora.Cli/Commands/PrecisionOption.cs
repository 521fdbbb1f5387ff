using System.CommandLine;
using BlockLora.Experiments;

namespace BlockLora.Cli.Commands;

/// <summary>--precision for the verbs that are not runs (eval, encode, demo), described as the run setting is.</summary>
public static class PrecisionOption
{
    /// <param name="defaultValue">auto for training and evaluation, fp32 where exact outputs are the point (encode).</param>
    public static Option<string> Create(string defaultValue) => new("--precision")
    {
        Description = RunSettings.Get("precision").Description,
        DefaultValueFactory = _ => defaultValue,
    };
}
