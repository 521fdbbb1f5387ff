namespace BlockLora.Adapters;

/// <summary>An adapter file that cannot be used; the message is one line that starts with the file path and names the tensor or key at fault.</summary>
public sealed class AdapterFileException(string message, Exception? inner = null) : Exception(message, inner);
