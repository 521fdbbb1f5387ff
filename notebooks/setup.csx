// Shared setup: every notebook runs `#!import setup.csx` first. It loads the BUILT library (run
// `dotnet build -c Release` at the repository root first, `BLORA_DEVICE=cuda dotnet build -c Release` for the CUDA build;
// notebooks/run-all.sh does) and its dependencies from the
// build output folder (no NuGet inside the kernel, so it works offline with exactly the versions of
// Directory.Packages.props), preloads libtorch, registers the chart and table views, and picks the profile.
#r "../src/BlockLora.Workbook/bin/Release/net10.0/BlockLora.dll"
#r "../src/BlockLora.Workbook/bin/Release/net10.0/BlockLora.Workbook.dll"
#r "../src/BlockLora.Workbook/bin/Release/net10.0/TorchSharp.dll"
#r "../src/BlockLora.Workbook/bin/Release/net10.0/Deedle.dll"
#r "../src/BlockLora.Workbook/bin/Release/net10.0/Giraffe.ViewEngine.dll"
#r "../src/BlockLora.Workbook/bin/Release/net10.0/DynamicObj.dll"
#r "../src/BlockLora.Workbook/bin/Release/net10.0/Plotly.NET.dll"
#r "../src/BlockLora.Workbook/bin/Release/net10.0/Plotly.NET.CSharp.dll"

using System.IO;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Native;
using BlockLora.Results;
using BlockLora.Training;
using BlockLora.Workbook.Charts;
using BlockLora.Workbook.Demo;
using BlockLora.Workbook.Figures;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tables;
using Microsoft.DotNet.Interactive.Formatting;

// 1. Native libraries. A notebook kernel did not build this app, so TorchSharp would look for libtorch on the system
//    (and a system copy may be bound first). NativePreload loads libc10.so, libtorch_cpu.so and libtorch.so from the
//    NuGet package libtorch-cpu-linux-x64 by full path, applies GlibcxxWeakPatch to TorchSharp's
//    libLibTorchSharp.so (Debian 12's libstdc++ lacks GLIBCXX_3.4.32) and loads it. Versions come from BlockLora.deps.json.
var nativeLibraries = NativePreload.Load();
if ((Environment.GetEnvironmentVariable("BLORA_DEVICE") ?? "").StartsWith("cuda") && BlockLora.Torch.DeviceSelection.Build != "cuda")
    Console.WriteLine("missing: BLORA_DEVICE=cuda, but the workbook was built for the CPU: run 'BLORA_DEVICE=cuda dotnet build -c Release' at the repository root (docs/gpu.md), then restart the kernel");

// 2. The profile: BLORA_PROFILE=smoke (default) or paper. See WorkbookProfile.Smoke / .Paper for what each sets.
var profile = WorkbookProfile.FromEnvironment();
if (profile.TorchThreads > 0) TorchSharp.torch.set_num_threads(profile.TorchThreads);

// 3. Views: the first chart's output carries plotly.js (offline) and later charts reuse it; a headless run
//    (BLORA_NOTEBOOK_CHARTS=static, set by run-all.sh) saves each chart as a PNG instead. Deedle frames render as HTML tables.
Formatter.Register<Plotly.NET.GenericChart>((chart, writer) => writer.Write(NotebookCharts.Html(chart)), HtmlFormatter.MimeType);
Formatter.Register(typeof(Deedle.Frame<,>), (object frame, System.IO.TextWriter writer) => writer.Write(FrameHtml.Render(frame)), HtmlFormatter.MimeType);

// 4. Data (generated for smoke) and output folders; what is missing, with the fix.
var setupProblems = profile.Prepare();
foreach (var problem in setupProblems) Console.WriteLine($"missing: {problem}");
Console.WriteLine($"profile {profile.Name}: {profile.Description}");
