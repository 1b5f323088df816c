import pytest

from creneau.documents.blocks import (
    Paragraph,
    Table,
    UnsupportedMarkupError,
    read_blocks,
    text_of_blocks,
)


def test_it_reads_headings_paragraphs_and_written_out_list_markers():
    blocks = read_blocks(
        "<h1>Titre</h1><p>Un\n   texte  <strong>gras</strong>,<br> suite</p>"
        "<ul><li>a</li><li>b</li></ul><ol><li>un</li><li>deux</li></ol>"
    )
    assert [b.kind for b in blocks if isinstance(b, Paragraph)] == [
        "h1",
        "p",
        "li",
        "li",
        "li",
        "li",
    ]
    assert (
        text_of_blocks(blocks) == "Titre\n\nUn texte gras,\nsuite\n\n– a\n– b\n\n1. un\n2. deux\n"
    )
    assert blocks[1].runs[1].bold


def test_non_breaking_spaces_survive_whitespace_collapsing():
    (block,) = read_blocks("<p>9\u00a0h\u00a012   et  «\u00a0x\u00a0»</p>")
    assert block.text == "9\u00a0h\u00a012 et «\u00a0x\u00a0»"


def test_layout_classes_pass_from_containers_to_paragraphs():
    (block,) = read_blocks('<div class="recipient pdf-only"><p class="note">x</p></div>')
    assert block.classes == {"recipient", "note"}


def test_simple_tables_are_kept_as_rows_of_cells():
    (table,) = read_blocks("<table><tr><th>N°</th><td>Pièce</td></tr></table>")
    assert isinstance(table, Table)
    assert [[r[0].text for r in row] for row in table.rows] == [["N°", "Pièce"]]


@pytest.mark.parametrize("html", ["<img src='x.png'>", "<p>a</p>texte libre", "<li>seul</li>"])
def test_it_refuses_markup_the_docx_could_not_carry(html):
    with pytest.raises(UnsupportedMarkupError):
        read_blocks(html)
