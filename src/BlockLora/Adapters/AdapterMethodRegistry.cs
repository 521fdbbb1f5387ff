namespace BlockLora.Adapters;

/// <summary>The registration of every method that trains an adapter (<see cref="AdapterMethods.Adapted"/>); a new method adds its line here.</summary>
public static class AdapterMethodRegistry
{
    public static readonly IReadOnlyList<AdapterMethodRegistration> All = [LoraAdapter.Registration, BlockLoraAdapter.Registration, VeraAdapter.Registration];

    /// <summary>The registration a config's adapters use: its method's, decorated by DoRA (<see cref="DoraAdapter.Decorate"/>) when <see cref="AdapterOptions.Dora"/> is set.</summary>
    public static AdapterMethodRegistration For(AdapterConfig config) =>
        config.Dora ? DoraAdapter.Decorate(For(config.Method)) : For(config.Method);

    /// <summary>The registration of <paramref name="method"/>; zero-shot has none, since it has no adapter.</summary>
    public static AdapterMethodRegistration For(AdapterMethod method) =>
        All.FirstOrDefault(r => r.Method == method)
        ?? throw new ArgumentOutOfRangeException(nameof(method), method, method == AdapterMethod.ZeroShot
            ? "zero-shot has no adapter; use lora or block-lora"
            : $"adapter method {method} has no registration in {nameof(AdapterMethodRegistry)}");
}
