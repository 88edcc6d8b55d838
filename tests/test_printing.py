"""discover.core.printing: labels (arbitrary strings) printed as text, LaTeX, MathML and Markdown."""

import re
from html.parser import HTMLParser

import pytest
import sympy as sp
from markdown_it import MarkdownIt

from discover.core import printing


class Elements(HTMLParser):
    """Every element with its attributes and the text directly inside it."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements, self._open = [], []
        self.feed(str(text))

    def handle_starttag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": ""})
        self._open.append(self.elements[-1])

    def handle_endtag(self, tag):
        while self._open and self._open.pop()["tag"] != tag:
            pass

    def handle_data(self, data):
        if self._open:
            self._open[-1]["text"] += data

    def texts(self, tag):
        return [e["text"] for e in self.elements if e["tag"] == tag]


def test_mathml_keeps_each_name_as_one_identifier():
    E, S, I, hare = sp.symbols("E S I hare")  # sympy's own names: Euler's e, the singleton S, the imaginary unit
    expr = -0.5 * S * I + 1.2 * E * hare - hare**2
    mi = Elements(printing.mathml(expr)).texts("mi")
    assert sorted(mi) == ["E", "I", "S", "hare", "hare"]
    eq = printing.equation_mathml("S", "t", expr)
    assert eq.startswith('<math display="block">') and eq.endswith("</math>")
    mi = Elements(eq).texts("mi")
    assert mi.count("S") == 2 and "s" not in mi and "e" not in mi and "h" not in mi  # no lowercasing, no splitting
    assert "ExponentialE" not in eq and "ImaginaryI" not in eq


@pytest.mark.parametrize("label", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "a & b", "S [mM]"])
def test_mathml_escapes_labels(label):
    x = sp.Symbol(label)
    doc = Elements(str(printing.equation_mathml(label, "t", 2 * x**2 + x * sp.Symbol("y"))))
    assert {e["tag"] for e in doc.elements} <= {"math", "mrow", "mfrac", "mi", "mo", "mn", "msup", "mspace"}
    assert not any(a.startswith("on") for e in doc.elements for a in e["attrs"])
    assert doc.texts("mi").count(label) == 3  # d(label)/dt and two terms, each one <mi>


def test_latex_escapes_specials_and_keeps_one_letter_names():
    x, rate = sp.Symbol("x"), sp.Symbol("rate_%&#$")
    out = printing.latex(2 * x * rate)
    assert r"\mathrm{rate\_\%\&\#\$}" in out
    assert printing.latex(sp.Symbol("E") * sp.Symbol("S")) == "E S"  # one-letter names as they are, not e
    assert printing.latex(sp.Symbol("hare")) == r"\mathrm{hare}"  # not h a r e
    # every special is a command or a brace group: removing the escapes leaves none of them bare
    for label in ["a_b", "50%", "x & y", "#1", "$5", "{z}", "c\\d", "e^f", "g~h", "<script>"]:
        tex = printing.latex_label(label)
        bare = re.sub(r"\\(?:[_%&#${}]|backslash\{\}|hat\{\}|sim\{\}|mathrm\{|\s)|\{[<>]\}", "", tex)[:-1]
        assert not set(bare) & set("\\{}_^#$%&~"), (label, tex)
        assert not re.search(r"<[A-Za-z/!?]", tex)  # no HTML tag can open in a Markdown file


@pytest.mark.parametrize("label", ["rate_%", "S [mM]", "a\\b{c}^d~e$f", "<script>", "x y"])
def test_latex_parses(label):
    """matplotlib's mathtext (a TeX subset without \\& and \\#) reads the equation."""
    from matplotlib.mathtext import MathTextParser

    s = sp.Symbol(label)
    tex = printing.derivative_latex(label, "year") + " = " + printing.latex(2 * s**2 - sp.sin(s) * sp.Symbol("y"))
    MathTextParser("path").parse(f"${tex}$")


def test_derivative_notation():
    assert printing.derivative_text("x", "t") == "dx/dt"
    assert printing.derivative_text("hare", "year") == "d(hare)/d(year)"
    assert printing.derivative_latex("x", "t") == r"\frac{dx}{dt}"
    assert printing.derivative_latex("hare", "year") == r"\frac{d\,\mathrm{hare}}{d\,\mathrm{year}}"


def test_text_keeps_labels_and_order():
    hare, lynx = sp.symbols("hare lynx")
    expr = 0.5 * hare - 0.02 * hare * lynx
    assert printing.text(expr) == sp.sstr(expr)  # identifiers: what sympy writes
    assert printing.text(sp.Symbol("S [mM]") * sp.Symbol("I") / 2) == "I*(S [mM])/2"
    assert printing.text(sp.Symbol("[mM]") + 1) == "([mM]) + 1"


def test_placeholders_keep_assumptions():
    x = sp.Symbol("x", positive=True)
    assert printing.latex(sp.Abs(x) + 1) == "x + 1"


def test_markdown_escapes_render_as_the_label():
    md = MarkdownIt("commonmark").enable("table")
    labels = ["<script>alert(1)</script>", "a|b", "*x* _y_", "[mM](http://e)", "# h", "`c`", "$x$", "a\\*b", "&amp;"]
    for label in labels:
        cell = printing.escape_markdown(label)
        code = printing.markdown_code(label, table=True)
        doc = Elements(md.render(f"| a | b |\n|---|---|\n| {cell} | {code} |\n"))
        assert doc.texts("td") == [label, ""] and doc.texts("code") == [label], (label, doc.elements)
        assert {e["tag"] for e in doc.elements} == {"table", "thead", "tbody", "tr", "th", "td", "code"}


def test_markdown_code_block_cannot_be_closed_by_a_line():
    block = printing.markdown_code_block(["```", "x ```` y"], "text")
    doc = Elements(MarkdownIt("commonmark").render(block + "\n\nafter"))
    assert doc.texts("code") == ["```\nx ```` y\n"] and doc.texts("p") == ["after"]
