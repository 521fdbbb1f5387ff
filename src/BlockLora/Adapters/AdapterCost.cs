namespace BlockLora.Adapters;

/// <summary>What one adapted matrix costs: trainable parameters, and per token the multiply-adds and additions of its path.</summary>
public readonly record struct AdapterCost(long Parameters, long MultiplyAdds, long Additions);
