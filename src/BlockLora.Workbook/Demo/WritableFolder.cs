namespace BlockLora.Workbook.Demo;

/// <summary>Checks up front that a results folder can be created and written, so a long run does not fail at its last write.</summary>
public static class WritableFolder
{
    /// <exception cref="IOException">One line naming the folder and the reason.</exception>
    public static void Ensure(string directory)
    {
        string full = Path.GetFullPath(directory);
        string probe = Path.Combine(full, $".write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(full);
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"results folder {full} is not writable ({e.Message.TrimEnd('.')}); pass a writable folder with --results", e);
        }
    }
}
