using System.Globalization;
using BlockLora.Adapters;
using BlockLora.IO;

namespace BlockLora.Results;

/// <summary>
/// The results table: a CSV with one row per run, under <c>results/</c>. Appending rewrites the file
/// through a temp file and a rename under a lock file, so a killed process leaves either the old table
/// or the new one, never a broken row, and concurrent sweeps do not lose each other's rows.
/// </summary>
public sealed class ResultsStore(string path)
{
    /// <summary>Bumped when columns change meaning; older files with a known schema are read and upgraded.</summary>
    public const int SchemaVersion = 1;

    public static readonly string[] Columns =
    [
        "schema_version", "dataset", "eval_dataset", "shots", "seed", "method", "rank", "blocks", "alpha", "targets", "encoders",
        "iterations", "accuracy", "trainable_parameters", "train_seconds", "peak_memory_bytes", "device", "backbone",
        "git_commit", "date", "precision", "run_id", "config", "skipped_images", "classes",
    ];

    /// <summary>The file name of the store inside a results folder.</summary>
    public const string FileName = "results.csv";

    public string Path { get; } = path;

    /// <summary>The store of a results folder (<c>DIR/results.csv</c>).</summary>
    public static ResultsStore In(string resultsDir) => new(System.IO.Path.Combine(resultsDir, FileName));

    public IReadOnlyList<RunRecord> ReadAll()
    {
        if (!File.Exists(Path)) return [];
        var table = CsvTable.Read(Path);
        if (table.Header.Count == 0) return [];
        int versionColumn = table.Column("schema_version");
        if (versionColumn < 0)
            throw new InvalidDataException($"{Path}: not a results table of this project (no schema_version column); move it aside");
        foreach (var required in new[] { "dataset", "shots", "seed", "method", "accuracy" })
            if (table.Column(required) < 0) throw new InvalidDataException($"{Path}: results table lacks the '{required}' column");

        var rows = new List<RunRecord>();
        foreach (var row in table.Rows)
        {
            string Get(string name) => row[table.Column(name)];
            int version = ParseInt(Get("schema_version"), row.Line, "schema_version");
            if (version > SchemaVersion)
                throw new InvalidDataException($"{Path}: line {row.Line} was written by a newer version (schema {version} > {SchemaVersion}); update blora");
            rows.Add(new RunRecord
            {
                Dataset = Get("dataset"),
                EvalDataset = Get("eval_dataset"),
                Shots = ParseInt(Get("shots"), row.Line, "shots"),
                Seed = ParseInt(Get("seed"), row.Line, "seed"),
                Method = AdapterMethods.TryParse(Get("method"), out var method) ? method
                    : throw new InvalidDataException($"{Path}: line {row.Line}: unknown method '{Get("method")}'"),
                Rank = ParseIntOr0(Get("rank")),
                Blocks = ParseIntOr0(Get("blocks")),
                Alpha = ParseDoubleOr0(Get("alpha")),
                Targets = Get("targets"),
                Encoders = Get("encoders"),
                Iterations = ParseIntOr0(Get("iterations")),
                Accuracy = double.TryParse(Get("accuracy"), CultureInfo.InvariantCulture, out var accuracy) ? accuracy
                    : throw new InvalidDataException($"{Path}: line {row.Line}: 'accuracy' is not a number ('{Get("accuracy")}')"),
                TrainableParameters = long.TryParse(Get("trainable_parameters"), CultureInfo.InvariantCulture, out var p) ? p : 0,
                TrainSeconds = ParseDoubleOr0(Get("train_seconds")),
                PeakMemoryBytes = long.TryParse(Get("peak_memory_bytes"), CultureInfo.InvariantCulture, out var m) ? m : 0,
                Device = Get("device"),
                Precision = Get("precision") is { Length: > 0 } precision ? precision : "fp32",
                RunId = Get("run_id"),
                Config = Get("config"),
                Backbone = Get("backbone"),
                GitCommit = Get("git_commit"),
                Date = DateTimeOffset.TryParse(Get("date"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : default,
                // Added at the end within schema 1: files written before it have no such column and read as 0.
                SkippedImages = long.TryParse(Get("skipped_images"), CultureInfo.InvariantCulture, out var skipped) ? skipped : 0,
                Classes = Get("classes") is { Length: > 0 } classes ? classes : "all",
            });
        }
        return rows;
    }

    /// <summary>Adds rows atomically (the whole table is rewritten via temp file + rename, under a lock).</summary>
    public void Append(params RunRecord[] records)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        using var fileLock = AcquireLock();
        var all = ReadAll().Concat(records);
        AtomicFile.WriteAllText(Path, CsvTable.Format(Columns, all.Select(Cells)));
    }

    private FileStream AcquireLock()
    {
        string lockPath = Path + ".lock";
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static string[] Cells(RunRecord r)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return
        [
            SchemaVersion.ToString(CultureInfo.InvariantCulture), r.Dataset, r.EvalDataset, r.Shots.ToString(CultureInfo.InvariantCulture),
            r.Seed.ToString(CultureInfo.InvariantCulture), AdapterMethods.Format(r.Method), r.Rank.ToString(CultureInfo.InvariantCulture),
            r.Blocks.ToString(CultureInfo.InvariantCulture), F(r.Alpha), r.Targets, r.Encoders,
            r.Iterations.ToString(CultureInfo.InvariantCulture), F(r.Accuracy), r.TrainableParameters.ToString(CultureInfo.InvariantCulture),
            F(r.TrainSeconds), r.PeakMemoryBytes.ToString(CultureInfo.InvariantCulture), r.Device, r.Backbone, r.GitCommit,
            r.Date.ToString("o", CultureInfo.InvariantCulture), r.Precision, r.RunId, r.Config, r.SkippedImages.ToString(CultureInfo.InvariantCulture), r.Classes,
        ];
    }

    private int ParseInt(string s, int line, string column) =>
        int.TryParse(s, CultureInfo.InvariantCulture, out var v) ? v
            : throw new InvalidDataException($"{Path}: line {line}: '{column}' is not an integer ('{s}')");

    private static int ParseIntOr0(string s) => int.TryParse(s, CultureInfo.InvariantCulture, out var v) ? v : 0;
    private static double ParseDoubleOr0(string s) => double.TryParse(s, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
