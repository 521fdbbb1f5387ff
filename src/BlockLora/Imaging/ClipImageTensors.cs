using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Imaging;

/// <summary>
/// The tensor side of <see cref="ClipImageTransform"/>, which lives in the TorchSharp-free BlockLora.Imaging project so
/// that applications of an ONNX export preprocess with the same code. Extension members, so callers still write
/// <c>transform.Apply(image)</c> and <c>ClipImageTransform.LoadBatch(...)</c>.
/// </summary>
public static class ClipImageTensors
{
    extension(ClipImageTransform transform)
    {
        /// <summary>The preprocessed image as a float32 tensor [3, R, R].</summary>
        public Tensor Apply(RgbImage image)
        {
            var data = new float[3 * transform.Resolution * transform.Resolution];
            transform.Write(image, data);
            return torch.tensor(data, [3, transform.Resolution, transform.Resolution]);
        }

        /// <summary>Decodes and preprocesses one file into a float32 tensor [3, R, R].</summary>
        public Tensor Load(string path, ImageDecoderOptions? options = null) => transform.Apply(ImageDecoder.Decode(path, options));
    }

    extension(ClipImageTransform)
    {
        /// <summary>
        /// Decodes and preprocesses <paramref name="paths"/> in parallel into a float32 tensor [N, 3, R, R]
        /// in input order. Throws the <see cref="ImageDecodeException"/> of the first (lowest-index) file
        /// that fails.
        /// </summary>
        public static Tensor LoadBatch(IReadOnlyList<string> paths, int resolution, int maxParallelism, ImageDecoderOptions? options = null)
        {
            var transform = new ClipImageTransform(resolution);
            return ParallelImageBatch.Load(paths, resolution, maxParallelism,
                (i, destination) => transform.Write(ImageDecoder.Decode(paths[i], options), destination));
        }
    }
}
