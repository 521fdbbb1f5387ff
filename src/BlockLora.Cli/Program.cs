var c = BlockLora.IO.SafeTensorsFile.Load(args[0]);
foreach (var (k, v) in c.Tensors) Console.WriteLine($"{k} {v.dtype} [{string.Join(",", v.shape)}]");
foreach (var (k, v) in c.Metadata) Console.WriteLine($"meta {k}={v}");
