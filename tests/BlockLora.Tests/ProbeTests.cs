namespace BlockLora.Tests;
public class ProbeTests { [Fact] public void Sum() => Assert.Equal(6f, BlockLora.Probe.Sum()); }
