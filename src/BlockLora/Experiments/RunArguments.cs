namespace BlockLora.Experiments;

/// <summary>
/// <c>--key value</c> pairs over a spec, in <see cref="RunSettings"/>' vocabulary (the options of <c>blora train</c>):
/// how a script that is not the CLI takes a run's options without a parser of its own.
/// </summary>
public static class RunArguments
{
    /// <exception cref="ArgumentException">An unknown option (with the known ones), a missing value, or a bad value (naming the option).</exception>
    public static RunSpec Apply(RunSpec spec, IReadOnlyList<string> arguments)
    {
        for (int i = 0; i < arguments.Count; i++)
        {
            string argument = arguments[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
                throw new ArgumentException($"'{argument}': expected an option --key followed by its value");
            string key = argument[2..];
            var setting = RunSettings.Get(key);
            if (i + 1 >= arguments.Count) throw new ArgumentException($"--{key} needs a value ({setting.Description})");
            try
            {
                spec = setting.Apply(spec, arguments[++i]);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"--{key} {arguments[i]}: {e.Message}", e);
            }
        }
        return spec;
    }
}
