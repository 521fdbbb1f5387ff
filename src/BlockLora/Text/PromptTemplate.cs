namespace BlockLora.Text;

/// <summary>
/// CoOp's prompts: a template with <c>{}</c> where the class name goes, e.g. "a photo of a {}, a type of pet.", and
/// class names written as the split files store them (underscores for spaces). Training, evaluation and the datasets'
/// zero-shot prompts all format through here, so a prompt is spelled the same everywhere.
/// </summary>
public static class PromptTemplate
{
    /// <summary>CLIP-LoRA's training and test template.</summary>
    public const string Default = "a photo of a {}.";

    /// <summary>The class name as it reads in a prompt: underscores become spaces (CoOp's <c>classname.replace("_", " ")</c>).</summary>
    public static string ClassName(string className) => className.Replace('_', ' ');

    /// <summary>The prompt for one class.</summary>
    public static string Format(string template, string className) =>
        template.Replace("{}", ClassName(className), StringComparison.Ordinal);

    /// <summary>One prompt per class, in label order.</summary>
    public static IReadOnlyList<string> Format(string template, IEnumerable<string> classNames) =>
        [.. classNames.Select(c => Format(template, c))];

    /// <summary>Throws <see cref="ArgumentException"/> when the template has no place for the class name.</summary>
    public static void Validate(string template)
    {
        if (!template.Contains("{}", StringComparison.Ordinal)) throw new ArgumentException($"template '{template}' has no {{}} for the class name");
    }
}
