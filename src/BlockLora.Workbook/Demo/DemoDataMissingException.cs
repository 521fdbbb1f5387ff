namespace BlockLora.Workbook.Demo;

/// <summary>
/// A Debian data package the demo reads is not installed. The message is one line naming the missing
/// file and the <c>apt-get</c> command that installs it, so the CLI prints it unchanged.
/// </summary>
public sealed class DemoDataMissingException(string path, string package)
    : Exception($"{path} not found: the demo reads it from the Debian package {package}; install it with: sudo apt-get install -y {package}")
{
    public string Path { get; } = path;

    public string Package { get; } = package;
}
