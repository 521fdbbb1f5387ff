namespace BlockLora.IO;

/// <summary>
/// A pickle asked for a Python global outside the reader's allow-list (for example <c>os.system</c>).
/// Derives from <see cref="FormatException"/> so callers that treat every unreadable file alike need
/// one catch; callers that want to tell an attack from a corrupt file can catch this type first.
/// </summary>
public sealed class PickleSecurityException(string message, string global) : FormatException(message)
{
    /// <summary>The refused global as <c>module.name</c>.</summary>
    public string Global { get; } = global;
}
