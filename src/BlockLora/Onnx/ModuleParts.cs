using static TorchSharp.torch;

namespace BlockLora.Onnx;

/// <summary>
/// A module's own parameters and children by their OpenAI names (the contract of <c>Clip/</c>: module names equal the
/// state-dict keys), so the exporters read exactly what the forward pass uses without the modules exposing their fields.
/// </summary>
public static class ModuleParts
{
    public static Tensor Parameter(nn.Module module, string name) =>
        module.named_parameters(recurse: false).FirstOrDefault(p => p.name == name).parameter
        ?? throw new InvalidOperationException($"{module.GetType().Name} has no parameter '{name}'");

    public static T Child<T>(nn.Module module, string name) where T : nn.Module =>
        module.named_children().FirstOrDefault(c => c.name == name).module as T
        ?? throw new InvalidOperationException($"{module.GetType().Name} has no {typeof(T).Name} '{name}'");
}
