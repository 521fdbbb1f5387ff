using BlockLora.Cli.Commands;

var parsed = CliRoot.Create().Parse(args);
// Usage mistakes get one line each (an unknown option its nearest known one) and exit 2, like every other user error; --help still prints help.
if (parsed.Errors.Count > 0 && !args.Contains("--help") && !args.Contains("-h"))
{
    foreach (var line in ParseErrors.Lines(parsed)) Console.Error.WriteLine(line);
    return UserErrors.ExitUserError;
}
return parsed.Invoke();
