using static TorchSharp.torch;

namespace BlockLora.IO;

/// <summary>
/// One storage record of a torch.save archive (<c>data/&lt;key&gt;</c>), loaded as a flat 1-D tensor of
/// its dtype. Tensors in the pickle are strided views of it, so tensors that shared a storage when
/// saved share memory again after loading, as with torch.load.
/// </summary>
internal sealed record TorchStorage(string Key, ScalarType Type, long Numel, Tensor Flat);
