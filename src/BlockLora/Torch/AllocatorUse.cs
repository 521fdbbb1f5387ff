namespace BlockLora.Torch;

/// <summary>What the process's allocator is set up for (<see cref="PeakMemory.UseAllocatorFor"/>).</summary>
public enum AllocatorUse
{
    /// <summary>Timed samples: thresholds where glibc's dynamic rule settles, fixed.</summary>
    Timing,

    /// <summary>Memory samples: freed tensors go back to the OS at once.</summary>
    Memory,
}
