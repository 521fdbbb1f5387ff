namespace BlockLora.Data;

/// <summary>How a dataset folder records which image belongs to which split and class.</summary>
public enum SplitLayout
{
    /// <summary>CoOp's <c>split_zhou_&lt;Name&gt;.json</c>: train/val/test lists of [relative path, label, class name].</summary>
    CoOpJson,

    /// <summary>FGVC-Aircraft's own text files: <c>variants.txt</c> and <c>images_variant_{train,val,test}.txt</c>.</summary>
    FgvcAircraftText,

    /// <summary>ImageNet: <c>train/&lt;wnid&gt;/</c> and <c>val/&lt;wnid&gt;/</c> folders plus <c>classnames.txt</c>; val doubles as test.</summary>
    ImageNetFolders,

    /// <summary>ImageNet-V2: folders named by the ImageNet label index (0..999); test only.</summary>
    ImageNetLabelFolders,

    /// <summary>ImageNet-Sketch, -A, -R: one folder per wnid (possibly a subset); test only, labels by sorted wnid.</summary>
    ImageNetWnidFolders,
}
