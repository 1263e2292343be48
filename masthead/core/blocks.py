"""The blocks an article body is made of."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

INLINE_FEATURES = ["bold", "italic", "link", "document-link"]
# A body paragraph may also be a list (a WordPress import brings many; editors write them).
PARAGRAPH_FEATURES = [*INLINE_FEATURES, "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", "Heading"), ("h3", "Subheading")], default="h2")

    class Meta:
        icon = "title"
        template = "core/blocks/heading.html"


class BlockquoteBlock(blocks.StructBlock):
    quote = blocks.RichTextBlock(features=INLINE_FEATURES)
    attribution = blocks.CharBlock(required=False, max_length=200)
    source_url = blocks.URLBlock(required=False, label="Source link")

    class Meta:
        icon = "openquote"
        template = "core/blocks/blockquote.html"


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=400)
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "core/blocks/pull_quote.html"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=500, help_text="Leave empty to use the image's own caption.")
    credit = blocks.CharBlock(required=False, max_length=255, help_text="Leave empty to use the image's own credit.")
    alt_text = blocks.CharBlock(
        required=False, max_length=300, help_text="Describe the image for readers who cannot see it."
    )

    class Meta:
        icon = "image"
        template = "core/blocks/figure.html"


class EmbedBlock(blocks.StructBlock):
    """A YouTube video, a post on X or any oEmbed URL.

    The provider is asked when the article is saved (masthead.news.tasks), never while a
    reader waits; until it answers, or when it cannot be reached, a link card to the provider shows.
    """

    url = blocks.URLBlock(help_text="Address of the video or post, e.g. https://www.youtube.com/watch?v=…")
    caption = blocks.CharBlock(required=False, max_length=300)

    class Meta:
        icon = "media"
        template = "core/blocks/embed.html"


class PreformattedBlock(blocks.TextBlock):
    """Text whose spaces and line breaks matter: a data excerpt, code, a poem's layout."""

    class Meta:
        icon = "code"
        label = "Preformatted text"
        template = "core/blocks/preformatted.html"


class EditorsNoteBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=INLINE_FEATURES)

    class Meta:
        icon = "info-circle"
        label = "Editor's note"
        template = "core/blocks/editors_note.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES, template="core/blocks/paragraph.html")
    heading = HeadingBlock()
    blockquote = BlockquoteBlock()
    image = FigureBlock()
    embed = EmbedBlock()
    pull_quote = PullQuoteBlock()
    editors_note = EditorsNoteBlock()
    preformatted = PreformattedBlock()
