namespace BlockLora.Adapters;

/// <summary>
/// One line of a <see cref="ParameterTable"/>: the adapters of one encoder × target (or a subtotal/total).
/// Per-token costs are for one token passing once through every matrix of the row.
/// </summary>
/// <param name="Encoder"><c>vision</c>, <c>text</c>, or <c>all</c> for the total.</param>
/// <param name="Target"><c>q</c>, <c>k</c>, …, or <c>all</c> for subtotals and the total.</param>
/// <param name="Matrices">How many matrices (layers) the row covers.</param>
/// <param name="Shape">W0's d×k for a single-target row; empty for sums over different shapes.</param>
/// <param name="Parameters">Trainable adapter parameters: LoRA r(d+k), Block-LoRA r(d+k/n) per matrix.</param>
/// <param name="MultiplyAddsPerToken">LoRA r·k + d·r, Block-LoRA r·k/n + d·r per matrix.</param>
/// <param name="AdditionsPerToken">The fold's (n−1)·k/n per matrix (0 for LoRA).</param>
public sealed record ParameterRow(
    string Encoder,
    string Target,
    int Matrices,
    string Shape,
    long Parameters,
    long MultiplyAddsPerToken,
    long AdditionsPerToken);
