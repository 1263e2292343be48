"""Snippets: the passage around the first match, escaped, the reader's words marked."""

from masthead.search.highlighting import SNIPPET_WORDS, highlight, snippet


def test_words_that_start_with_a_terms_stem_are_marked_and_everything_is_escaped():
    marked = highlight("Harbours & <b>harbour</b> workers; the harbourmaster's strike", ("harbours", "strikes"))

    assert marked == (
        "<mark>Harbours</mark> &amp; &lt;b&gt;<mark>harbour</mark>&lt;/b&gt; workers; "
        "the <mark>harbourmaster</mark>&#x27;s <mark>strike</mark>"
    )


def test_a_snippet_is_the_passage_around_the_first_match():
    words = [f"w{number}" for number in range(200)]
    words[120] = "Ferry"
    text = " ".join(words) + "."

    cut = snippet(text, ("ferry",))

    assert cut.startswith("… w110 ") and cut.endswith(" …")
    assert "<mark>Ferry</mark>" in cut and len(cut.split()) == SNIPPET_WORDS + 2


def test_a_snippet_near_either_end_keeps_the_text_there():
    assert snippet("Ferry fares rise today.", ("ferry",)) == "<mark>Ferry</mark> fares rise today."
    assert snippet("One two three ferry.", ("ferry",)) == "One two three <mark>ferry</mark>."


def test_without_a_match_the_fallback_is_shown_marked_where_it_can_be():
    assert snippet("Nothing here.", ("quay",), fallback="The quay <i>reopens</i>.") == (
        "The <mark>quay</mark> &lt;i&gt;reopens&lt;/i&gt;."
    )
    assert snippet("", ("quay",)) == ""


def test_words_of_any_script_are_marked_whatever_their_case():
    assert highlight("Trams in Zürich, 東京 and Αθήνα", ("zürich", "東京", "αθήνα")) == (
        "Trams in <mark>Zürich</mark>, <mark>東京</mark> and <mark>Αθήνα</mark>"
    )
