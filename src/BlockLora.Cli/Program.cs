Console.WriteLine(BlockLora.Probe.Sum());
