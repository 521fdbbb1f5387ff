using BlockLora.Text;

namespace BlockLora.Tests.Text;

/// <summary>CoOp's prompts: the template with each class name, underscores as spaces.</summary>
public class PromptTemplateTests
{
    [Fact]
    public void Prompts_fill_the_template_with_each_class_name_with_underscores_as_spaces()
    {
        var prompts = PromptTemplate.Format("a photo of a {}, a type of pet.", ["golden_retriever", "cat", "sea_lion_pup"]);
        Assert.Equal(["a photo of a golden retriever, a type of pet.", "a photo of a cat, a type of pet.", "a photo of a sea lion pup, a type of pet."], prompts);
    }

    [Fact]
    public void Prompts_replace_every_placeholder_and_nothing_else()
    {
        Assert.Equal(["{x} b_c: b c / b c"], PromptTemplate.Format("{x} b_c: {} / {}", ["b_c"]));
        Assert.Empty(PromptTemplate.Format("a photo of a {}.", Array.Empty<string>()));
    }

    [Fact]
    public void A_template_without_a_placeholder_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => PromptTemplate.Validate("a photo of a cat."));
        Assert.Contains("has no {}", e.Message);
    }
}
