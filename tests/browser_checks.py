"""What every browser test checks on a page: axe-core's serious and critical
violations in the add-on's part of it, and, on a phone, sideways scrolling."""

from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The add-on's part of each page: Plone's own header, footer and breadcrumbs have
# colour-contrast issues of the Barceloneta theme that the add-on does not own, and
# TinyMCE (Plone's rich-text editor, the evidence note) has its own.
AXE_CONTEXT = "{include: [['#portal-column-content']], exclude: [['.tox-tinymce']]}"


def axe_violations(page, context=AXE_CONTEXT):
    """Serious and critical axe-core violations, as "rule: element html" lines,
    in ``context`` (an axe context: the add-on's part of the page by default)."""
    page.add_script_tag(path=str(AXE))
    page.evaluate(f"window.AXE_CONTEXT = {context}")
    return page.evaluate(
        "async () => (await axe.run(AXE_CONTEXT, {resultTypes: ['violations']}))"
        ".violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map("
        "n => n.target.join(' ') + ' ' + n.html.slice(0, 160)).join(', '))"
    )


def sideways_overflow(page):
    """How many pixels the page scrolls sideways (0 when it fits the screen)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
