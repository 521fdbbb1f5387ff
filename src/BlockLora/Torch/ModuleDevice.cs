using static TorchSharp.torch;

namespace BlockLora.Torch;

/// <summary>The device a module's weights are on: training and evaluation compute where the caller put the model.</summary>
public static class ModuleDevice
{
    public static Device Of(nn.Module module) =>
        module.parameters().FirstOrDefault()?.device ?? throw new ArgumentException("the module has no parameters, so no device");
}
