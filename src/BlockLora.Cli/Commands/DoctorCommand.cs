using System.CommandLine;
using BlockLora.Torch;
using BlockLora.Workbook.Doctor;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora doctor</c>: the device, the precision auto picks, the native libraries, and a self-test; exit 1 when a check fails.</summary>
public static class DoctorCommand
{
    public const int ExitCheckFailed = 1;

    public static Command Create()
    {
        var defaults = new DoctorConfig();
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N (default: the device this build is for)", DefaultValueFactory = _ => defaults.Device };
        var precision = PrecisionOption.Create(Precisions.Format(defaults.Precision));
        var json = new Option<bool>("--json") { Description = "print the facts and checks as JSON instead of text" };
        var command = new Command("doctor", "Show the device, the precision auto picks and the native libraries loaded, then self-test (parity, a training step, merge/unmerge, throughput); exit 1 if a check fails")
            { device, precision, json };
        command.SetAction(r =>
        {
            bool passed = false;
            int code = UserErrors.Run(() =>
            {
                var config = defaults with { Device = DeviceSelection.CheckName(r.GetValue(device)!), Precision = Precisions.Parse(r.GetValue(precision)!) };
                bool asJson = r.GetValue(json);
                var report = DoctorRunner.Run(config, asJson ? null : Console.WriteLine);
                if (asJson) Console.WriteLine(report.ToJson());
                passed = report.Passed;
            });
            return code != 0 ? code : passed ? 0 : ExitCheckFailed;
        });
        return command;
    }
}
